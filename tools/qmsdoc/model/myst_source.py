"""Read item directives from MyST Markdown files, with MyST's own block parser.

The CLI's counterpart of a Sphinx build with ``myst_parser``: the text is parsed by
markdown-it-py with the plugins myst-parser configures (front matter, MyST blocks
and roles, footnotes, tables, and the ``colon_fence`` extension), so a directive is
exactly what MyST sees as one: a fence whose info string starts with ``{name}``,
written with backticks, tildes or colons, at any depth (in a list, a quote, or the
content of another directive). Fences whose name is not a directive (code) and
literal directives (``code-block`` and friends) are never searched for items; the
rST of an ``{eval-rst}`` fence is read by the rST reader the caller gives.

A directive's options are read as myst-parser reads them: the leading ``:key:
value`` lines of the content, or a YAML block between ``---`` lines; a blank line
after them is dropped. Option values follow myst-parser's restricted YAML: plain
text (folded over indented lines in the ``---`` form), quoted strings (folded over
line breaks, with YAML's escapes), and ``|`` / ``>`` block scalars; a block MyST
would refuse gives no options, as in Sphinx. Not read as MyST reads them: a quoted
*key* over several lines, and a key whose colon starts the next line.
Directives nested more than :data:`MAX_DEPTH` deep are not searched. Lines are
1-based lines of the directive's opening fence, as Sphinx reports them;
``tests/sphinxext/test_myst_items.py`` checks this reader against a real build.
"""

from __future__ import annotations

import re
import string
from dataclasses import replace
from functools import cache
from textwrap import dedent
from typing import TYPE_CHECKING, Final

from markdown_it import MarkdownIt
from markdown_it.rules_block import make_fence_rule
from mdit_py_plugins.footnote import footnote_plugin
from mdit_py_plugins.front_matter import front_matter_plugin
from mdit_py_plugins.myst_blocks import myst_block_plugin
from mdit_py_plugins.myst_role import myst_role_plugin

from qmsdoc.model.items import Location, RawItem

if TYPE_CHECKING:
    from collections.abc import Callable, Collection, Iterator

    #: reads the items of rST text, lines counted from its first line
    RstReader = Callable[[str], list[RawItem]]

__all__ = ["MAX_DEPTH", "RstReader", "scan_markdown"]

#: directives nested deeper than this are not searched: each level parses its
#: content again, and no device file nests needs this deep
MAX_DEPTH: Final = 32
#: directives whose content is literal text (or not Markdown), never items
_LITERAL_DIRECTIVES: Final = frozenset(
    {
        "code-block",
        "code",
        "code-cell",
        "sourcecode",
        "literalinclude",
        "raw",
        "math",
        "highlight",
        "mermaid",
        "graphviz",
        "csv-table",
        "list-table",
    }
)
#: a directive fence: ``{name}`` then the argument text
_DIRECTIVE_INFO: Final = re.compile(r"\{([^\s{}]+)\}(?:\s+(.*))?\Z", re.DOTALL)
#: the colon that ends a plain key: followed by a space or the end of the line
_KEY_END: Final = re.compile(r":(?: |\Z)")
_COMMENT: Final = re.compile(r" +#.*\Z| +\Z")
_BLOCK_HEADER: Final = re.compile(r"([|>])([+-]?)(?: +#.*| *)\Z")


def scan_markdown(
    text: str,
    *,
    path: str,
    docname: str,
    directives: Collection[str],
    rst_reader: RstReader | None = None,
) -> list[RawItem]:
    """Read the item directives of MyST Markdown ``text``, outer before inner.

    :param text: The file's text.
    :param path: POSIX path relative to the project root, for the locations.
    :param docname: The Sphinx document name.
    :param directives: The directive names of the profile's item types.
    :param rst_reader: Reads the items of rST text (lines counted from its first
        line), for ``{eval-rst}`` blocks; without it they are skipped.
    """
    source = _Source(
        path=path,
        docname=docname,
        wanted=frozenset(name.lower() for name in directives),
        rst_reader=rst_reader,
    )
    return list(_scan(text, first_line=1, depth=0, source=source))


class _Source:
    """The file being read, the directive names wanted, and the rST reader."""

    __slots__ = ("docname", "path", "rst_reader", "wanted")

    def __init__(
        self,
        *,
        path: str,
        docname: str,
        wanted: frozenset[str],
        rst_reader: RstReader | None,
    ) -> None:
        self.path = path
        self.docname = docname
        self.wanted = wanted
        self.rst_reader = rst_reader

    def at(self, line: int) -> Location:
        return Location(path=self.path, line=line, docname=self.docname)


@cache
def _parser() -> MarkdownIt:
    """The block parser as myst-parser builds it (``create_md_parser``)."""
    parser = (
        MarkdownIt("commonmark")
        .enable("table")
        .use(front_matter_plugin)
        .use(myst_block_plugin)
        .use(myst_role_plugin)
        .use(footnote_plugin, inline=False, move_to_end=False, always_match_refs=True)
    )
    colon_fence = make_fence_rule(markers=(":",), token_type="colon_fence")
    parser.block.ruler.before(
        "fence",
        "colon_fence",
        colon_fence,
        {"alt": ["paragraph", "reference", "blockquote", "list", "footnote_def"]},
    )
    return parser


def _scan(
    text: str, *, first_line: int, depth: int, source: _Source
) -> Iterator[RawItem]:
    """Items of ``text`` whose first line is line ``first_line`` of the file,
    ``depth`` directives deep."""
    for token in _parser().parse(text):
        if token.type not in {"fence", "colon_fence"} or token.map is None:
            continue
        match = _DIRECTIVE_INFO.match(token.info.strip())
        if match is None:
            continue
        name = match.group(1).lower()
        line = first_line + token.map[0]
        if name == "eval-rst":
            # rST in a code fence; a colon fence of it is an unknown directive
            if token.type == "fence":
                yield from _eval_rst(token.content, fence_line=line, source=source)
            continue
        if name in _LITERAL_DIRECTIVES:
            continue
        content = token.content
        if token.type == "colon_fence" and content.startswith(":::"):
            content = "\n" + content  # myst-parser's rule: not an option line
        options, body, offset = _directive_body(content)
        if name in source.wanted:
            yield RawItem(
                directive=name,
                title=match.group(2) or "",
                options=options,
                content="\n".join(body),
                location=source.at(line),
            )
        if depth < MAX_DEPTH:
            # the content is Markdown parsed again, one line below the options
            yield from _scan(
                "\n".join(body) + "\n",
                first_line=line + 1 + offset,
                depth=depth + 1,
                source=source,
            )


def _eval_rst(text: str, *, fence_line: int, source: _Source) -> Iterator[RawItem]:
    """Items of an ``{eval-rst}`` block: myst-parser parses its content as rST
    placed right below the fence line."""
    if source.rst_reader is None:
        return
    for raw in source.rst_reader(text):
        at = replace(raw.location, line=raw.location.line + fence_line)
        yield replace(raw, location=at)


def _directive_body(
    content: str,
) -> tuple[tuple[tuple[str, str], ...], list[str], int]:
    """Options, body lines and the body's line offset (myst-parser's rules)."""
    block, rest, offset = _option_block(content)
    options = () if block is None else _read_options(block)
    body = rest.splitlines()
    if body and not body[0].strip():
        body = body[1:]
        offset += 1
    return options, body, offset


def _option_block(content: str) -> tuple[str | None, str, int]:
    """The option block's text, the rest of the content, and the block's lines."""
    if content.startswith("---"):
        lines = content.splitlines()[1:]
        for index, line in enumerate(lines):
            if line.startswith("---"):
                remainder = line.lstrip("-").removeprefix(" ")
                rest = lines[index + 1 :]
                body = "\n".join([remainder, *rest] if remainder else rest)
                count = index + 1 if remainder else index + 2
                return dedent("\n".join(lines[:index])), body, count
        return dedent("\n".join(lines)), "", len(content.splitlines())
    if content.lstrip().startswith(":"):
        lines = content.splitlines()
        option_lines: list[str] = []
        while lines and _is_option_line(lines[0]):
            option_lines.append(lines.pop(0).lstrip()[1:])
        return "\n".join(option_lines), "\n".join(lines), len(option_lines)
    return None, content, 0


def _is_option_line(line: str) -> bool:
    stripped = line.lstrip()
    return stripped.startswith(":") and not stripped.startswith(":::")


class _OptionError(ValueError):
    """A block myst-parser refuses (it then gives the directive no options)."""


def _read_options(block: str) -> tuple[tuple[str, str], ...]:
    """``(key, value)`` pairs of a restricted-YAML option block; a repeated key
    keeps its first place and its last value, as a dict does."""
    options: dict[str, str] = {}
    lines = block.split("\n")
    index = 0
    try:
        while index < len(lines):
            line = lines[index]
            stripped = line.strip(" ")
            if not stripped or stripped.startswith("#"):
                index += 1
                continue
            if line[0] in " \t":
                raise _OptionError("expected key to start at column 0")
            key, rest = _key(line)
            value, index = _value(rest, lines, index)
            options[key] = value
    except _OptionError:
        return ()
    return tuple(options.items())


def _key(line: str) -> tuple[str, str]:
    if line[0] in "'\"":
        key, rest = _quoted(line)
        rest = rest.lstrip(" ")
        if not rest.startswith(":"):
            raise _OptionError("expected ':' after key")
        return key, rest[1:]
    match = _KEY_END.search(line)
    key = line[: match.start()] if match else line
    if match is None or "\t" in key or " #" in key:
        raise _OptionError("expected ':' after key")
    return key.rstrip(" "), line[match.end() :]


def _value(rest: str, lines: list[str], index: int) -> tuple[str, int]:
    """The value starting with ``rest`` on ``lines[index]``, and the next line."""
    text = rest.lstrip(" ")
    if text.startswith("\t"):
        raise _OptionError("expected key to start at column 0")
    if not text.strip() or text.startswith("#"):
        # the value may start on a following, indented line
        following = index + 1
        while following < len(lines) and (
            not lines[following].strip(" ")
            or lines[following].lstrip(" ").startswith("#")
        ):
            following += 1
        if following == len(lines) or lines[following][:1] not in {" ", "\t"}:
            return "", following
        return _value(lines[following], lines, following)
    if text[0] in "|>":
        return _block_scalar(text, lines, index)
    if text[0] in "'\"":
        rest_of_block = "\n".join([text, *lines[index + 1 :]])
        value, after = _quoted(rest_of_block)
        index += rest_of_block[: len(rest_of_block) - len(after)].count("\n")
        tail = after.partition("\n")[0].lstrip(" ")
        if tail and not tail.startswith("#"):
            raise _OptionError("expected key to start at column 0")
        return value, index + 1
    return _plain(text, lines, index)


def _plain(text: str, lines: list[str], index: int) -> tuple[str, int]:
    """A plain value, folded over the indented lines that follow it (a tab ends
    a plain scalar where only a new key may follow: myst-parser refuses it)."""
    first, ended = _plain_line(text)
    chunks = [first]
    index += 1
    blank = 0
    while not ended and index < len(lines):
        line = lines[index]
        stripped = line.strip(" ")
        if not stripped:
            blank += 1
            index += 1
            continue
        if line[:1] != " " or stripped.startswith("#"):
            break
        part, ended = _plain_line(stripped)
        chunks.append("\n" * blank if blank else " ")
        chunks.append(part)
        blank = 0
        index += 1
    return "".join(chunks), index


def _plain_line(text: str) -> tuple[str, bool]:
    """One line's part of a plain value, and whether a comment ends the value."""
    match = _COMMENT.search(text)
    part = text[: match.start()] if match else text
    if "\t" in part:
        raise _OptionError("expected key to start at column 0")
    return part, match is not None and "#" in match.group(0)


def _quoted(text: str) -> tuple[str, str]:
    """A quoted scalar at the start of ``text`` (it may go on over line breaks)
    and the text after it."""
    quote, double = text[0], text[0] == '"'
    chunks: list[str] = []
    position = _quoted_text(text, 1, double=double, chunks=chunks)
    while True:
        if position >= len(text):
            raise _OptionError("found unexpected end of stream")
        if text[position] == quote:
            return "".join(chunks), text[position + 1 :]
        position = _quoted_spaces(text, position, chunks)
        position = _quoted_text(text, position, double=double, chunks=chunks)


#: YAML's escapes in a double-quoted scalar (others are refused)
_ESCAPES: Final = {
    "0": "\0", "a": "\a", "b": "\b", "t": "\t", "\t": "\t", "n": "\n",
    "v": "\v", "f": "\f", "r": "\r", "e": "\x1b", " ": " ", '"': '"',
    "/": "/", "\\": "\\", "N": "\x85", "_": "\xa0", "L": "\u2028",
    "P": "\u2029",
}  # fmt: skip
#: escapes followed by a code point in hexadecimal digits
_ESCAPE_LENGTHS: Final = {"x": 2, "u": 4, "U": 8}


def _quoted_text(text: str, position: int, *, double: bool, chunks: list[str]) -> int:
    """Read up to the next space, line break or closing quote; YAML's escapes."""
    while True:
        start = position
        while position < len(text) and text[position] not in "'\"\\ \t\n":
            position += 1
        chunks.append(text[start:position])
        char = text[position : position + 1]
        if not double and char == "'" and text[position + 1 : position + 2] == "'":
            chunks.append("'")
            position += 2
        elif char and ((double and char == "'") or (not double and char in '"\\')):
            chunks.append(char)
            position += 1
        elif double and char == "\\":
            position = _escape(text, position + 1, chunks)
        else:
            return position


def _escape(text: str, position: int, chunks: list[str]) -> int:
    """The escape after a backslash at ``position``; the position after it."""
    char = text[position : position + 1]
    if char and char in _ESCAPES:
        chunks.append(_ESCAPES[char])
        return position + 1
    if char and char in _ESCAPE_LENGTHS:
        length = _ESCAPE_LENGTHS[char]
        digits = text[position + 1 : position + 1 + length]
        if len(digits) < length or not all(d in string.hexdigits for d in digits):
            raise _OptionError("expected an escape of hexadecimal digits")
        try:
            chunks.append(chr(int(digits, 16)))
        except (ValueError, OverflowError) as error:
            raise _OptionError("escape out of range") from error
        return position + 1 + length
    if char == "\n":
        return _quoted_breaks(text, position + 1, chunks)
    raise _OptionError("found unknown escape character")


def _quoted_spaces(text: str, position: int, chunks: list[str]) -> int:
    """Spaces inside a quoted scalar: kept, or folded over a line break."""
    start = position
    while position < len(text) and text[position] in " \t":
        position += 1
    if position >= len(text):
        raise _OptionError("found unexpected end of stream")
    if text[position] != "\n":
        chunks.append(text[start:position])
        return position
    breaks: list[str] = []
    position = _quoted_breaks(text, position + 1, breaks)
    chunks.extend(breaks or [" "])
    return position


def _quoted_breaks(text: str, position: int, chunks: list[str]) -> int:
    """Blank lines (each a line break) and the indentation after a line break."""
    while True:
        while position < len(text) and text[position] in " \t":
            position += 1
        if text[position : position + 1] != "\n":
            return position
        chunks.append("\n")
        position += 1


def _block_scalar(header: str, lines: list[str], index: int) -> tuple[str, int]:
    """A ``|`` (literal) or ``>`` (folded) block scalar with ``-``/``+`` chomping."""
    match = _BLOCK_HEADER.match(header)
    if match is None:
        raise _OptionError("unsupported block scalar header")
    folded, chomping = match.group(1) == ">", match.group(2)
    index += 1
    block: list[str] = []
    indent = 0
    while index < len(lines):
        line = lines[index]
        if line.strip():
            line_indent = len(line) - len(line.lstrip(" "))
            indent = indent or line_indent
            if line_indent < max(indent, 1):
                break
            block.append(line[indent:])
        else:
            block.append("")
        index += 1
    blanks = 0
    while block and not block[-1]:
        block.pop()
        blanks += 1
    if not block:
        return "", index
    text = _fold(block) if folded else "\n".join(block)
    if chomping == "-" or index - blanks == len(lines):
        return text, index  # stripped, or the last line has no line break
    return text + "\n" + ("\n" * blanks if chomping == "+" else ""), index


def _fold(block: list[str]) -> str:
    """YAML folding: a line break between two lines that start with text is a
    space; blank lines between them are line breaks; indented lines stay apart."""
    out, previous, blanks = block[0], block[0], 0
    for line in block[1:]:
        if not line:
            blanks += 1
            continue
        if previous[:1] not in {" ", "\t"} and line[:1] not in {" ", "\t"}:
            out += "\n" * blanks if blanks else " "
        else:
            out += "\n" * (blanks + 1)
        out += line
        previous, blanks = line, 0
    return out
