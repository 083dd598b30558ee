"""Read item directives straight from reStructuredText files, without docutils.

This is how the CLI (``qms check``, matrices, exports) sees the device file in a
fraction of a Sphinx build's time. It follows the rST rules that matter for item
directives: indentation ends a block, option blocks are field lists whose bodies may
continue on deeper-indented lines, and literal blocks (``::`` paragraphs,
``code-block`` and friends) and comments are skipped, so an example item in a code
block is not an item. An item directive inside another item's content is an item
too, as sphinx-needs makes it. Files pulled in with ``.. include::`` are not followed; a test
checks that this reader and the Sphinx directive produce the same records.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from qmsdoc.errors import InputError, ProjectError
from qmsdoc.input_files import read_input_text
from qmsdoc.model.items import Location, RawItem

if TYPE_CHECKING:
    from collections.abc import Callable, Collection, Mapping
    from pathlib import Path

__all__ = ["scan_file", "scan_files", "scan_text"]

_DIRECTIVE = re.compile(r"(\s*)\.\.\s+([A-Za-z0-9][\w:+.-]*)::(?:\s+(.*))?$")
_EXPLICIT = re.compile(r"(\s*)\.\.(?:\s|$)")
_OPTION = re.compile(r":([^:\s](?:[^:]*[^:\s])?):(?:\s+(.*))?$")
#: directives whose content is literal text, never parsed for items
_LITERAL_DIRECTIVES = frozenset(
    {
        "code-block",
        "code",
        "sourcecode",
        "literalinclude",
        "raw",
        "parsed-literal",
        "math",
        "highlight",
    }
)


def scan_file(path: Path, *, root: Path, directives: Collection[str]) -> list[RawItem]:
    """Read the item directives of one ``.rst`` or ``.md`` file.

    :param path: The file.
    :param root: The project root; locations are relative to it.
    :param directives: The directive names of the profile's item types.
    :raises ProjectError: If the file cannot be read as UTF-8, is not a regular file
        (a FIFO is refused at once), is larger than the source limit, or resolves
        outside ``root`` (:mod:`qmsdoc.input_files`).
    """
    try:
        text = read_input_text(path, kind="source", root=root, encoding="utf-8-sig")
    except InputError as error:
        raise ProjectError(str(error)) from None
    relative = path.relative_to(root).as_posix()
    return scan_text(
        text, path=relative, docname=relative.rsplit(".", 1)[0], directives=directives
    )


def scan_files(
    files: Mapping[str, str],
    *,
    directives: Collection[str],
    is_source: Callable[[str], bool],
) -> list[RawItem]:
    """The item directives of files given as text (e.g. read from a past commit).

    :param files: POSIX path relative to the project root -> text.
    :param is_source: Whether a path holds items of the project.
    """
    raw: list[RawItem] = []
    for path, text in sorted(files.items()):
        if is_source(path):
            docname = path.rsplit(".", 1)[0]
            raw.extend(
                scan_text(text, path=path, docname=docname, directives=directives)
            )
    return raw


def scan_text(
    text: str, *, path: str, docname: str, directives: Collection[str]
) -> list[RawItem]:
    """Read the item directives of ``text`` (see :func:`scan_file`): MyST Markdown
    if ``path`` ends in ``.md`` (:func:`qmsdoc.model.myst_source.scan_markdown`),
    else reStructuredText.

    One command reads the same text more than once (the working tree for items,
    intended-use statements and document declarations, then the same blob at HEAD
    for history and approvals): the records of recent texts are kept, and a scan
    for some of the directives of an earlier scan is the earlier scan's records of
    those directives, so each text is parsed once
    (:func:`qmsdoc.device_file.read_raw_items` makes the first scan read every
    directive the command will ask for). Records are frozen; the list returned is a
    fresh copy.
    """
    wanted = frozenset(name.lower() for name in directives)
    key = (text, path, docname)
    for scanned, records in _RECENT.get(key, ()):
        if wanted <= scanned:
            if wanted == scanned:
                return list(records)
            return [record for record in records if record.directive in wanted]
    records = _scan_text(text, path, docname, wanted)
    _remember(key, wanted, records)
    return list(records)


#: the records of recent scans: (text, path, docname) -> (directives, records)
_RECENT: dict[tuple[str, str, str], list[tuple[frozenset[str], tuple[RawItem, ...]]]]
_RECENT = {}
_RECENT_TEXTS = 512


def _remember(
    key: tuple[str, str, str], wanted: frozenset[str], records: tuple[RawItem, ...]
) -> None:
    scans = _RECENT.pop(key, [])  # re-inserted last: the oldest text goes first
    scans.append((wanted, records))
    _RECENT[key] = scans[-4:]
    while len(_RECENT) > _RECENT_TEXTS:
        del _RECENT[next(iter(_RECENT))]


def _scan_text(
    text: str, path: str, docname: str, wanted: frozenset[str]
) -> tuple[RawItem, ...]:
    def read_rst(rst: str) -> list[RawItem]:
        return _scan(rst, path=path, docname=docname, wanted=wanted)

    if path.endswith(".md"):
        # markdown-it and its plugins load only for a Markdown file (a fifth of
        # the start-up time of a command on an rST-only file)
        from qmsdoc.model.myst_source import scan_markdown  # noqa: PLC0415

        return tuple(
            scan_markdown(
                text,
                path=path,
                docname=docname,
                directives=wanted,
                rst_reader=read_rst,
            )
        )
    return tuple(read_rst(text))


def _scan(
    text: str, *, path: str, docname: str, wanted: frozenset[str]
) -> list[RawItem]:
    lines = text.expandtabs(8).splitlines()
    items: list[RawItem] = []
    index = 0
    while index < len(lines):
        line = lines[index]
        directive = _DIRECTIVE.match(line)
        if directive is not None:
            name = directive.group(2).lower()
            indent = len(directive.group(1))
            if name in wanted:
                # the scan goes on inside the item's content: a need nested in
                # another need is an item too (sphinx-needs creates both)
                item, index, end = _read_item(lines, index, indent=indent)
                if not any(".." in lines[line] for line in range(index, end)):
                    index = end  # no directive in the content: skip it at once
                items.append(
                    RawItem(
                        directive=name,
                        title=item.title,
                        options=item.options,
                        content=item.content,
                        location=Location(path=path, line=item.line, docname=docname),
                    )
                )
                continue
            if name in _LITERAL_DIRECTIVES:
                index = _skip_block(lines, index, indent)
                continue
        elif _EXPLICIT.match(line) and not _is_target_or_substitution(line):
            # an empty comment followed by a blank line ends there: what follows is a
            # block quote, not part of the comment (docutils' rule)
            empty = not line.strip()[2:].strip()
            if not (empty and index + 1 < len(lines) and not lines[index + 1].strip()):
                index = _skip_block(lines, index, _indent(line))
                continue
        elif line.rstrip().endswith("::"):
            index = _skip_block(lines, index, _paragraph_indent(lines, index))
            continue
        index += 1
    return items


class _Parsed:
    __slots__ = ("content", "line", "options", "title")

    def __init__(
        self, title: str, options: tuple[tuple[str, str], ...], content: str, line: int
    ) -> None:
        self.title = title
        self.options = options
        self.content = content
        self.line = line


def _read_item(
    lines: list[str], start: int, *, indent: int
) -> tuple[_Parsed, int, int]:
    """The item whose directive line is ``lines[start]``, the index of its first
    content line, and the index of the first line after its block."""
    match = _DIRECTIVE.match(lines[start])
    assert match is not None
    title_parts = [match.group(3) or ""]
    index = start + 1
    count = len(lines)
    options: list[tuple[str, str]] = []
    # the argument may continue on following lines, up to the option block
    while index < count:
        line = lines[index]
        stripped = line.strip()
        if not stripped or _indent(line) <= indent or _OPTION.match(stripped):
            break
        title_parts.append(stripped)
        index += 1
    # each line is stripped and measured once: this loop reads every option of
    # every item
    while index < count:
        line = lines[index]
        stripped = line.strip()
        option_indent = _indent(line)
        if not stripped or option_indent <= indent:
            break
        option = _OPTION.match(stripped)
        if option is None:
            break
        value_lines = [option.group(2) or ""]
        index += 1
        while index < count:
            line = lines[index]
            stripped = line.strip()
            if not stripped or _indent(line) <= option_indent:
                break
            value_lines.append(stripped)
            index += 1
        options.append(
            (option.group(1), "\n".join([part for part in value_lines if part]))
        )
    end = _skip_block(lines, index - 1, indent)
    content = _dedent(lines[index:end])
    title = " ".join(part for part in title_parts if part).strip()
    return _Parsed(title, tuple(options), content, start + 1), index, end


def _is_inside(line: str, indent: int) -> bool:
    return bool(line.strip()) and _indent(line) > indent


def _skip_block(lines: list[str], start: int, indent: int) -> int:
    """Index of the first line after ``start`` that is not blank and not deeper than ``indent``."""
    index = start + 1
    while index < len(lines) and (
        not lines[index].strip() or _indent(lines[index]) > indent
    ):
        index += 1
    # trailing blank lines belong to no block
    return index


def _dedent(block: list[str]) -> str:
    while block and not block[0].strip():
        block = block[1:]
    while block and not block[-1].strip():
        block = block[:-1]
    if not block:
        return ""
    margin = min(_indent(line) for line in block if line.strip())
    return "\n".join(line[margin:] if line.strip() else "" for line in block)


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _paragraph_indent(lines: list[str], index: int) -> int:
    """Indent of the paragraph whose last line is ``lines[index]``."""
    while index > 0 and lines[index - 1].strip():
        index -= 1
    return _indent(lines[index])


def _is_target_or_substitution(line: str) -> bool:
    stripped = line.strip()
    return stripped.startswith((".. _", ".. |"))
