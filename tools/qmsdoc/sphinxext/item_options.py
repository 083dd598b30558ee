"""Read an item directive's option block without docutils' nested parser, when plain.

Why this exists: profiling a clean build of a 5 000-item corpus showed docutils'
``Body.parse_extension_options`` taking about 15 % of the whole build (8.1 s of
57 s). For every item docutils parses the ``:name: value`` lines with a brand-new
nested state machine (about 15 states with compiled transitions) and then
``utils.extract_extension_options``. Item option blocks are nearly always plain
``:name: value`` lines, which :func:`plain_block` reads directly, giving exactly what
docutils gives; anything else is parsed by docutils itself (:func:`docutils_block`).

How: the item directive's ``option_spec`` is falsy (:class:`DeferredOptionSpec`), so
docutils' ``parse_directive_block`` leaves the option lines in the argument text
(``optional_arguments = 1``, ``final_argument_whitespace = True``); the arguments'
content, ``content`` and ``content_offset`` are those docutils computes anyway.
:func:`read_option_block` then splits that text where docutils would (the first
line matching ``Body.patterns["field_marker"]``) and reads the options.

What docutils yields, and so what :func:`plain_block` reproduces:

* field bodies are not parsed at all (``ExtensionOptions.parse_field_body``): the
  value is the body's non-blank lines joined by newlines, markup included, the
  continuation lines stripped of their common indentation; no body gives ``None``;
* field *names* go through the inline parser, so only names that cannot become
  markup (letters and digits joined by single ``-`` or ``_``) take the fast path;
* values go through ``utils.assemble_option_dict`` with the real option spec; if
  it raises, docutils parses the block again and reports its own error;
* the argument text lost the leading whitespace of its first line, which only
  matters when that line is an option line: it is then accepted only if it is the
  tail of the directive line itself.

MyST Markdown (``myst_parser``) runs directives through its own mock state: with a
falsy option spec it leaves the ``:key: value`` lines (or the ``---`` YAML block) in
the *content*, not the arguments. :func:`read_option_block` sees that state and has
myst-parser read the block again with the real option spec
(:func:`myst_block`), so an item written in Markdown keeps every option.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final

from docutils import nodes
from docutils.parsers.rst.states import Body, MarkupError, SubstitutionDef
from docutils.statemachine import StringList
from docutils.utils import ExtensionOptionError, assemble_option_dict

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from docutils.parsers.rst import Directive

__all__ = [
    "AnyOptionSpec",
    "DeferredOptionSpec",
    "PlainBlock",
    "docutils_block",
    "myst_block",
    "plain_block",
    "plain_fields",
    "read_option_block",
    "title_arguments",
]

#: docutils' own test for the line where the options start
FIELD_MARKER: Final = re.compile(str(Body.patterns["field_marker"]))
#: a field whose name the inline parser leaves as it is; the same match as
#: FIELD_MARKER (name and end) on every line it matches
_PLAIN_FIELD: Final = re.compile(r":([A-Za-z0-9]+(?:[-_][A-Za-z0-9]+)*):(?: +|$)")
#: the end of a directive line's marker ("dinput:: ") before its argument text
_MARKER_END: Final = re.compile(r"::[ ]+\Z")
#: docutils' pattern for a directive's first line (``Body.explicit.constructs``)
_DIRECTIVE: Final[re.Pattern[str]] = next(
    pattern for method, pattern in Body.explicit.constructs if method is Body.directive
)


class DeferredOptionSpec(dict[str, "Callable[[str], str]"]):
    """Any option (each value kept as written, like sphinx-needs' own spec), but falsy
    so that docutils leaves the option lines to :func:`read_option_block`."""

    def __bool__(self) -> bool:
        return False

    def __getitem__(self, _key: str) -> Callable[[str], str]:
        return _as_written


class AnyOptionSpec(dict[str, "Callable[[str], str]"]):
    """Any option, each value kept as written, and truthy: docutils (or myst-parser)
    reads the option block itself (the speed-ups are off)."""

    def __bool__(self) -> bool:
        return True

    def __getitem__(self, _key: str) -> Callable[[str], str]:
        return _as_written


def _as_written(value: str) -> str:
    return value


@dataclass(frozen=True, slots=True)
class PlainBlock:
    """The directive's arguments and ``(name, value)`` option pairs, in order."""

    arguments: list[str]
    options: list[tuple[str, str | None]]


def title_arguments(lines: Sequence[str]) -> list[str]:
    """The arguments docutils makes of ``lines`` (0 required, 1 optional, spaces)."""
    text = "\n".join(lines)
    words = text.split()
    return text.split(None, 0) if len(words) > 1 else words


def plain_fields(lines: Sequence[str]) -> list[tuple[str, str | None]] | None:
    """The ``(name, value)`` pairs of an option block, or None if not plain.

    Mirrors ``FieldList.field`` (``StringList.get_indented`` with a known first
    indent) and ``ExtensionOptions.parse_field_body``.
    """
    fields: list[tuple[str, str | None]] = []
    index = 0
    while index < len(lines):
        line = lines[index]
        match = _PLAIN_FIELD.match(line)
        if match is None or "\x00" in line:
            return None
        end = index + 1
        while end < len(lines) and lines[end][:1] == " ":
            end += 1
        following = lines[index + 1 : end]
        if any("\x00" in text or not text.strip() for text in following):
            return None  # Text.astext() removes NULs; no blank line is expected
        body = [line[match.end() :]]
        if following:
            indent = min(len(text) - len(text.lstrip()) for text in following)
            body.extend(text[indent:] for text in following)
        value = [text for text in body if text.strip()]
        fields.append((match.group(1).lower(), "\n".join(value) if value else None))
        index = end
    return fields


def plain_block(arguments: Sequence[str], directive_line: str) -> PlainBlock | None:
    """Split the argument text docutils made into title and plain options.

    ``arguments`` is what docutils gave a directive with a falsy option spec and
    ``directive_line`` the first line of its block text. None if docutils must
    parse the block.
    """
    if not arguments:
        return PlainBlock([], [])
    lines = arguments[0].split("\n")
    start = next(
        (index for index, line in enumerate(lines) if FIELD_MARKER.match(line)), None
    )
    if start is None:
        return PlainBlock(list(arguments), [])
    if start == 0 and not _is_line_tail(lines[0], directive_line):
        return None  # the first line may have lost its indentation
    fields = plain_fields(lines[start:])
    if fields is None:
        return None
    return PlainBlock(title_arguments(lines[:start]), fields)


def _is_line_tail(first: str, directive_line: str) -> bool:
    """Whether ``first`` is the argument text of the directive line as written."""
    head = directive_line[: len(directive_line) - len(first)]
    return directive_line.endswith(first) and _MARKER_END.search(head) is not None


def docutils_block(
    directive: Directive, reference: type[Directive]
) -> tuple[list[str], dict[str, Any], StringList, int]:
    """Arguments, options, content and content offset as docutils makes them.

    Repeats ``Body.run_directive`` on the directive's own source lines, with the
    class ``reference`` (its option spec and argument counts).

    :raises MarkupError: As docutils' ``parse_directive_block`` does.
    """
    state, machine = directive.state, directive.state_machine
    index = directive.lineno - 1 - machine.input_offset
    lines = machine.input_lines
    if not isinstance(state, Body) or lines is None or not 0 <= index < len(lines):
        raise RuntimeError(f"{directive.name}: the directive's lines are not found")
    presets: dict[str, Any] = {}
    pattern: re.Pattern[str] = _DIRECTIVE
    if isinstance(state, SubstitutionDef):
        pattern = re.compile(SubstitutionDef.patterns["embedded_directive"])
        presets["alt"] = state.parent["names"][0]
    match = pattern.match(lines[index])
    if match is None:
        raise RuntimeError(f"{directive.name}: the directive's lines are not found")
    indented, _, _ = lines.get_indented(index, first_indent=match.end())
    if "\n".join(lines[index : index + len(indented)]) != directive.block_text:
        raise RuntimeError(f"{directive.name}: the directive's lines are not found")
    result: tuple[list[str], dict[str, Any], StringList, int] = (
        state.parse_directive_block(  # type: ignore[no-untyped-call]
            indented, index + machine.input_offset, reference, presets
        )
    )
    return result


def read_option_block(
    directive: Directive, reference: type[Directive]
) -> nodes.system_message | None:
    """Give ``directive`` the arguments and options docutils would have given it.

    For a directive whose class's option spec is falsy; ``reference`` is a class
    with the real option spec. Plain blocks are read here; others by docutils, or by
    myst-parser for a directive in MyST Markdown. Returns the parser's error
    message, if any (the directive then returns it alone, as ``run_directive``
    would).
    """
    if _is_myst(directive):
        return myst_block(directive, reference)
    block = None
    if not isinstance(directive.state, SubstitutionDef):  # option presets
        block = plain_block(
            directive.arguments, directive.block_text.partition("\n")[0]
        )
    if block is not None:
        try:
            options = assemble_option_dict(block.options, reference.option_spec)  # type: ignore[arg-type]
        except (KeyError, ValueError, TypeError, ExtensionOptionError):
            block = None  # docutils reports it
        else:
            directive.arguments, directive.options = block.arguments, options
            return None
    try:
        parsed = docutils_block(directive, reference)
    except MarkupError as detail:
        message = f'Error in "{directive.name}" directive:\n{" ".join(detail.args)}.'
        literal = nodes.literal_block(directive.block_text, directive.block_text)
        return directive.reporter.error(message, literal, line=directive.lineno)
    (
        directive.arguments,
        directive.options,
        directive.content,
        directive.content_offset,
    ) = parsed
    return None


def _is_myst(directive: Directive) -> bool:
    """Whether myst-parser runs ``directive`` (its mock state is no docutils state)."""
    state = directive.state
    return not isinstance(state, Body) and type(state).__module__.startswith(
        "myst_parser."
    )


def myst_block(
    directive: Directive, reference: type[Directive]
) -> nodes.system_message | None:
    """Give a MyST directive the arguments, options and content myst-parser makes
    with the option spec of ``reference``.

    myst-parser gave ``directive`` (falsy option spec) the whole content after the
    opening line as body, less one leading blank line (then ``content_offset`` is
    1): that text is rebuilt and parsed again, and myst-parser's own warnings are
    logged as it logs them.
    """
    # the one importer of myst_parser, and only when myst_parser runs the build
    from myst_parser.parsers.directives import parse_directive_text  # noqa: PLC0415
    from myst_parser.warnings_ import create_warning  # noqa: PLC0415

    document = directive.state.document
    text = "\n" * max(directive.content_offset, 0) + "\n".join(directive.content)
    try:
        parsed = parse_directive_text(
            reference, " ".join(directive.arguments), text, line=directive.lineno
        )
    except MarkupError as error:
        return directive.reporter.error(
            f"Directive '{directive.name}': {error}", line=directive.lineno
        )
    for warning in parsed.warnings:
        create_warning(
            document,
            f"{directive.name!r}: {warning.msg}",
            warning.type,
            line=warning.lineno if warning.lineno is not None else directive.lineno,
        )
    directive.arguments = parsed.arguments
    directive.options = parsed.options
    directive.content = StringList(parsed.body, document["source"])
    directive.content_offset = parsed.body_offset
    return None
