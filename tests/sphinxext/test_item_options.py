"""The item directive's option block: read by qmsdoc when plain, exactly as docutils reads it.

Each case is parsed twice by docutils itself: once with a plain directive whose option
spec is sphinx-needs' (docutils reads the options: the reference), once with a
directive that, like ``ItemDirective``, has a falsy spec and calls
``read_option_block``. Arguments, options, content, content offset, line, block text,
the whole doctree (error messages included) and the warning stream must be equal, and
each case must take the path it is listed with (qmsdoc's reader or docutils').
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

import pytest
from docutils import nodes
from docutils.core import publish_doctree
from docutils.parsers.rst import Directive, directives
from docutils.statemachine import StringList
from sphinx_needs.utils import DummyOptionSpec

from qmsdoc.sphinxext import item_options
from qmsdoc.sphinxext.item_options import (
    DeferredOptionSpec,
    plain_block,
    plain_fields,
    read_option_block,
    title_arguments,
)
from qmstest import copy_root, sphinx_build

if TYPE_CHECKING:
    from pathlib import Path

Record = tuple[Any, ...]
RECORDS: list[Record] = []


def _record(directive: Directive) -> Record:
    return (
        directive.name,
        list(directive.arguments),
        list(directive.options.items()),
        list(directive.content),
        list(directive.content.xitems()),
        directive.content_offset,
        directive.lineno,
        directive.block_text,
    )


class TypedSpec(dict[str, Any]):
    """A spec with converters: an int, a flag, a disabled option, anything else."""

    def __bool__(self) -> bool:
        return True

    def __getitem__(self, key: str) -> Any:
        converters: dict[str, Any] = {
            "count": int,
            "flag": directives.flag,
            "disabled": None,
        }
        return converters.get(key, directives.unchanged)


class ReferenceItem(Directive):
    """A plain need directive: docutils reads its options with sphinx-needs' spec."""

    required_arguments = 0
    optional_arguments = 1
    final_argument_whitespace = True
    has_content = True
    option_spec: ClassVar[Any] = DummyOptionSpec()

    def run(self) -> list[nodes.Node]:
        RECORDS.append(_record(self))
        return []


class TypedReferenceItem(ReferenceItem):
    option_spec: ClassVar[Any] = TypedSpec()


class FastItem(ReferenceItem):
    """Like ``ItemDirective``: a falsy spec, the options read by ``read_option_block``."""

    option_spec: ClassVar[Any] = DeferredOptionSpec()
    reference: ClassVar[type[ReferenceItem]] = ReferenceItem

    def run(self) -> list[nodes.Node]:
        assert not self.option_spec
        error = read_option_block(self, self.reference)
        return [error] if error is not None else super().run()


class TypedFastItem(FastItem):
    reference: ClassVar[type[ReferenceItem]] = TypedReferenceItem


class RawLines(Directive):
    """Parses its content after writing <TAB>, <SP> and <NUL> as the characters.

    docutils expands tabs and strips trailing whitespace of a source file, not of
    lines a directive passes to ``nested_parse``.
    """

    has_content = True

    def run(self) -> list[nodes.Node]:
        lines = [
            line.replace("<TAB>", "\t").replace("<SP>", " ").replace("<NUL>", "\x00")
            for line in self.content
        ]
        block = StringList(lines, items=list(self.content.items))
        node = nodes.container()
        self.state.nested_parse(block, self.content_offset, node)
        return [node]


FAST, DOCUTILS = "fast", "docutils"

#: the cases: "--- label: path" then the source, up to the next case
CASES_TEXT = r"""
--- plain: fast
.. dinput:: Measure heart rate at rest
   :id: DI_00101
   :status: approved
   :satisfies: UN_00001, UN_00002
   :priority: high

   Body text...

--- plain-no-content: fast
.. dinput:: Measure heart rate at rest
   :id: DI_00101
   :status: approved

--- empty-value-middle: fast
.. dinput:: T
   :id: DI_1
   :tags:
   :status: draft

   Body.

--- empty-value-last: fast
.. dinput:: T
   :id: DI_1
   :collapse:

   Body.

--- spaces-after-marker: fast
.. dinput:: T
   :id:      DI_1
   :status:  draft    with   inner    spaces

--- continuation: fast
.. dinput:: T
   :id: DI_1
   :sequence: Range comparison fails;
      the result is shown as normal;
      the patient does not seek care.
   :status: approved

   Body.

--- continuation-relative-indent: fast
.. dinput:: T
   :sequence: first
        deeper
      shallower
          deepest

--- continuation-from-empty-first-line: fast
.. dinput:: T
   :sequence:
      on the next line
      and the one after
   :id: DI_2

--- continuation-looks-like-field: fast
.. dinput:: T
   :a: x
      :b: y

--- value-emphasis: fast
.. dinput:: T
   :note: *emphasis* and **strong** and `interpreted`

--- value-role: fast
.. dinput:: T
   :links: :need:`DI_00101`, :ref:`label <target_>`

--- value-url-email: fast
.. dinput:: T
   :source: https://example.org/a_b?c=d, mailto:qa@example.org, www.example.org

--- value-backslashes: fast
.. dinput:: T
   :path: C:\temp\*x\ y \\ \`

--- value-literal-substitution-footnote: fast
.. dinput:: T
   :text: ``code`` |sub| [1]_ ref_ anon__ `x`_ <tag>

--- value-colons: fast
.. dinput:: T
   :sequence: A: b; c: d :e: f

--- non-ascii: fast
.. dinput:: Mesurer la fréquence — élevée
   :id: DI_é
   :note: Ünïcödé ✓ 測定

   Corps.

--- title-with-colon: fast
.. dinput:: Risk: overdose
   :id: DI_1

--- title-with-role: fast
.. dinput:: :need:`DI_1` related title
   :id: DI_2

--- multi-line-title: fast
.. dinput:: A title that goes on
   over a second line
   and a third
   :id: DI_1

   Body.

--- title-line-indented-field: fast
.. dinput:: Title
      :id: DI_1
   :status: draft

--- single-word-title: fast
.. dinput:: Word
   :id: DI_1

--- title-only: fast
.. dinput:: Only a title here

--- title-only-single-word: fast
.. dinput:: Word

--- nothing: fast
.. dinput::

--- content-only: fast
.. dinput::

   Only content.

--- options-on-directive-line: fast
.. dinput:: :id: DI_1
   :status: draft

   Body.

--- flag-on-directive-line: fast
.. dinput:: :collapse:

--- colon-alone-line: fast
.. dinput:: Title
   :
   :id: DI_1

--- empty-name-line: fast
.. dinput:: Title
   :: x
   : y
   :id: DI_1

--- pep-and-rfc-like-names: fast
.. dinput:: T
   :pep-0008: a
   :rfc-2822: b

--- uppercase-name: fast
.. dinput:: T
   :ID: DI_1
   :Status: Draft

--- hyphen-underscore-digit-names: fast
.. dinput:: T
   :filter-func: x
   :test_level: unit
   :p1: 2

--- nested-in-note: fast
.. note::

   .. dinput:: T
      :id: DI_1

      Body.

--- nested-in-block-quote: fast
Paragraph.

    .. dinput:: T
       :id: DI_1
       :status: draft

--- several-items: fast
.. dinput:: First
   :id: DI_1

.. dinput:: Second
   :id: DI_2
   :status: draft

   Body of the second.

Text between.

.. dinput:: Third
   :id: DI_3

--- raw-trailing-spaces: fast
.. rawlines::

   .. dinput:: T
      :id: DI_1<SP><SP>
      :status: draft<SP>
      :sequence: a<SP>
         b<SP><SP>
      :flag:<SP><SP>

--- raw-space-tab-continuation: fast
.. rawlines::

   .. dinput:: T
      :sequence: a
       <TAB>b
        c

--- typed-values: fast
.. typed:: T
   :count: 3
   :flag:
   :other: x

--- no-title: docutils
.. dinput::
   :id: DI_1
   :status: draft

   Body.

--- no-title-first-line-indented: docutils
.. dinput::
      :id: DI_1
   :status: draft

--- no-blank-line-before-content: docutils
.. dinput:: T
   :id: DI_1
   :status: draft
   Body right after the options.

--- text-line-between-options: docutils
.. dinput:: T
   :id: DI_1
   not an option
   :status: draft

--- duplicate-names: docutils
.. dinput:: T
   :id: DI_1
   :id: DI_2

--- duplicate-names-by-case: docutils
.. dinput:: T
   :id: DI_1
   :ID: DI_2

--- name-ending-underscore: docutils
.. dinput:: T
   :id_: DI_1

--- name-emphasis: docutils
.. dinput:: T
   :*status*: draft

--- name-unclosed-emphasis: docutils
.. dinput:: T
   :*status: draft

--- name-with-colon: docutils
.. dinput:: T
   :a:b: c

--- name-with-words: docutils
.. dinput:: T
   :two words: c

--- name-with-backslash: docutils
.. dinput:: T
   :a\:b: c

--- name-with-backquote: docutils
.. dinput:: T
   :`a`: c

--- name-with-dot: docutils
.. dinput:: T
   :a.b: c

--- name-non-ascii: docutils
.. dinput:: T
   :état: brouillon

--- name-substitution-reference: docutils
.. dinput:: T
   :|s|: c

--- marker-without-space: docutils
.. dinput:: T
   :id: DI_1
   :status:draft

--- substitution-definition: docutils
.. |s| dinput:: T
   :id: DI_1

--- raw-tab-starting-line: docutils
.. rawlines::

   .. dinput:: T
      :sequence: a
      <TAB>b

--- raw-tab-after-directive-flag: docutils
.. rawlines::

   .. dinput:: :collapse:<TAB>

--- raw-nul-in-value: docutils
.. rawlines::

   .. dinput:: T
      :id: DI<NUL>_1

--- typed-bad-int: docutils
.. typed:: T
   :count: three

--- typed-flag-with-value: docutils
.. typed:: T
   :flag: yes

--- typed-disabled: docutils
.. typed:: T
   :disabled: x
"""


def _cases(text: str) -> list[tuple[str, str, str]]:
    """(label, source, the path qmsdoc takes) for each case of ``text``."""
    cases = []
    for chunk in text.split("\n--- ")[1:]:
        header, _, source = chunk.partition("\n")
        label, _, path = header.partition(": ")
        cases.append((label, source, path))
    return cases


CASES = _cases(CASES_TEXT)
SOURCES = {label: source for label, source, _ in CASES}


@dataclass(frozen=True, slots=True)
class Parsed:
    records: list[Record]
    doctree: str
    warnings: str
    docutils_calls: int


def _parse(source: str, *, fast: bool) -> Parsed:
    RECORDS.clear()
    calls: list[int] = []
    original = item_options.docutils_block

    def counted(directive: Directive, reference: type[Directive]) -> Any:
        calls.append(1)
        return original(directive, reference)

    stream = io.StringIO()
    with pytest.MonkeyPatch.context() as patch:
        registry: dict[str, Any] = directives._directives  # type: ignore[attr-defined]
        patch.setitem(registry, "dinput", FastItem if fast else ReferenceItem)
        patch.setitem(registry, "typed", TypedFastItem if fast else TypedReferenceItem)
        patch.setitem(registry, "rawlines", RawLines)
        patch.setattr(item_options, "docutils_block", counted)
        document = publish_doctree(
            source,
            source_path="case.rst",
            settings_overrides={
                "warning_stream": stream,
                "report_level": 1,
                "pep_references": True,
                "rfc_references": True,
                "halt_level": 5,
                "_disable_config": True,
            },
        )
    return Parsed(list(RECORDS), document.pformat(), stream.getvalue(), len(calls))


@pytest.mark.parametrize(
    ("source", "path"),
    [pytest.param(source, path, id=label) for label, source, path in CASES],
)
def test_reads_what_docutils_reads(source: str, path: str) -> None:
    reference = _parse(source, fast=False)
    fast = _parse(source, fast=True)
    assert fast.records == reference.records
    assert fast.doctree == reference.doctree
    assert fast.warnings == reference.warnings
    assert reference.docutils_calls == 0
    assert (FAST if fast.docutils_calls == 0 else DOCUTILS) == path


def test_the_cases_cover_both_paths_errors_and_items() -> None:
    paths = [path for _, _, path in CASES]
    assert len(CASES) >= 40 and paths.count(FAST) >= 20 and paths.count(DOCUTILS) >= 15
    parsed = [_parse(source, fast=True) for _, source, _ in CASES]
    assert sum(1 for result in parsed if "Error in " in result.warnings) >= 10
    assert sum(len(result.records) for result in parsed) >= 45


def test_some_known_results() -> None:
    records = _parse(SOURCES["continuation"], fast=True).records
    assert list(records[0][1:3]) == [
        ["T"],
        [
            ("id", "DI_1"),
            (
                "sequence",
                "Range comparison fails;\nthe result is shown as normal;\n"
                "the patient does not seek care.",
            ),
            ("status", "approved"),
        ],
    ]
    error = _parse(SOURCES["duplicate-names"], fast=True)
    assert (
        'Error in "dinput" directive:\ninvalid option data: duplicate option "id".'
        in error.warnings
    )


def test_pure_functions() -> None:
    assert title_arguments([]) == []
    assert title_arguments(["Word"]) == ["Word"]
    assert title_arguments(["Two words", "  and more"]) == ["Two words\n  and more"]
    assert plain_fields([":a: x", "   y", ":B:"]) == [("a", "x\ny"), ("b", None)]
    assert plain_fields([":a: x", "text"]) is None
    assert plain_fields([":a_: x"]) is None
    assert plain_fields([":a: x", "   "]) is None
    line = ".. dinput:: :id: X"
    assert plain_block([":id: X\n:status: y"], line) is not None
    assert plain_block([":id: X\n:status: y"], ".. dinput::") is None
    assert plain_block(
        ["Title\n:id: X"], ".. dinput:: Title"
    ) == item_options.PlainBlock(["Title"], [("id", "X")])


# -- a real Sphinx build -------------------------------------------------------

ITEMS = """

.. requirement:: Plain options, read by qmsdoc
   :id: REQ-002
   :status: draft
   :kind: functional
   :level: software
   :satisfies: UN-001

   A plain block, with *emphasis* and :need:`REQ-001` in the body.

.. requirement:: Options that docutils reads: an emphasised name
   :id: REQ-003
   :*status*: approved
   :kind: functional
   :level: software
   :satisfies: UN-001

   The emphasised field name is the status field for docutils.

.. requirement::
   :id: REQ-004
   :status: approved
   :kind: functional
   :level: software
   :satisfies: UN-001

   No title line: docutils reads these options.

.. requirement:: A malformed option block
   :id: REQ-005
   :status: draft
   The body follows the options without a blank line.
"""

#: the same items, their options read by docutils (sphinx-needs' spec on the class)
REFERENCE_CONF = """

def setup(app):
    from sphinx_needs.directives.need import NeedDirective

    from qmsdoc.sphinxext.directive import ItemDirective

    class DocutilsOptions(ItemDirective):
        option_spec = NeedDirective.option_spec

    def install(app, config):
        for need_type in config.needs_types:
            app.add_directive(need_type["directive"], DocutilsOptions, override=True)

    app.connect("config-inited", install, priority=800)
"""


def _project(tmp_path: Path, name: str, conf: str) -> Path:
    root = copy_root("test-valid", tmp_path / name / "valid")
    with (root / "items.rst").open("a", encoding="utf-8") as items:
        items.write(ITEMS)
    with (root / "conf.py").open("a", encoding="utf-8") as config:
        config.write(conf)
    return root


def _normalized(lines: list[str], root: Path) -> list[str]:
    return [line.replace(str(root), "ROOT") for line in lines]


def test_a_sphinx_build_renders_what_docutils_reads(tmp_path: Path) -> None:
    fast_root = _project(tmp_path, "fast", "")
    reference_root = _project(tmp_path, "reference", REFERENCE_CONF)
    fast = sphinx_build(fast_root, "-E")
    reference = sphinx_build(reference_root, "-E")
    assert fast.returncode == reference.returncode == 0, fast.stderr
    assert _normalized(fast.warnings, fast_root) == _normalized(
        reference.warnings, reference_root
    )
    source = (fast_root / "items.rst").read_text(encoding="utf-8").splitlines()
    line = source.index(".. requirement:: A malformed option block") + 1
    errors = [text for text in fast.warnings if "ERROR" in text]
    assert len(errors) == 1
    assert f'items.rst:{line}: ERROR: Error in "requirement" directive:' in errors[0]
    assert "invalid option block." in fast.warnings
    page = (fast_root / "_build" / "html" / "items.html").read_text(encoding="utf-8")
    reference_page = (reference_root / "_build" / "html" / "items.html").read_text(
        encoding="utf-8"
    )
    assert page == reference_page
    for item_id, status in (
        ("REQ-002", "draft"),
        ("REQ-003", "approved"),
        ("REQ-004", "approved"),
    ):
        head = page[page.index(f'<a class="qms-item-id" href="#{item_id}">') :]
        head = head[: head.index("qms-history")]
        assert f"<b>status</b>: {status}" in head and "<b>kind</b>: functional" in head
        assert '<b>satisfies</b>: <a class="qms-item-link" href="#UN-001"' in head
    assert "REQ-005" not in page
