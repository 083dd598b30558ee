"""The validated profile: item types, fields, link types, link rules, coverage rules.

These records are built once by :mod:`qmsdoc.profile._build` from TOML and are then
trusted everywhere: nothing else in the engine knows an item type by name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Literal, Protocol

if TYPE_CHECKING:
    from collections.abc import Iterator

    from qmsdoc.profile.ai import AiConfig
    from qmsdoc.profile.anomalies import AnomalyConfig
    from qmsdoc.profile.approval_policy import ApprovalPolicy
    from qmsdoc.profile.design import DesignConfig
    from qmsdoc.profile.design_review import DesignReviewConfig
    from qmsdoc.profile.document_control import DocumentControlConfig
    from qmsdoc.profile.gspr import GsprConfig
    from qmsdoc.profile.risk_model import RiskModel
    from qmsdoc.profile.security_model import SecurityModel

__all__ = [
    "CoverageRule",
    "EvidenceConfig",
    "FieldKind",
    "FieldSpec",
    "ItemType",
    "LinearPattern",
    "LinkType",
    "MatrixColumn",
    "MatrixSpec",
    "PathStep",
    "PatternMatch",
    "Profile",
    "Severity",
    "SoupConfig",
]

FieldKind = Literal["text", "choice", "choices", "integer", "date", "waivers"]
Severity = Literal["error", "warning", "info"]
FIELD_KINDS: tuple[FieldKind, ...] = (
    "text",
    "choice",
    "choices",
    "integer",
    "date",
    "waivers",
)
SEVERITIES: tuple[Severity, ...] = ("error", "warning", "info")


class PatternMatch(Protocol):
    """A match of a :class:`LinearPattern`."""

    def group(self, index: int, /) -> str:
        """The text of group ``index`` (0: the whole match)."""


class LinearPattern(Protocol):
    """A profile pattern compiled by google-re2: matching is linear in the text, so a
    pattern such as ``(a+)+`` cannot backtrack catastrophically on hostile text."""

    @property
    def pattern(self) -> str:
        """The pattern's text."""

    def fullmatch(self, text: str) -> PatternMatch | None:
        """The match when the whole of ``text`` matches, else None."""

    def finditer(self, text: str) -> Iterator[PatternMatch]:
        """The non-overlapping matches in ``text``."""

    def search(self, text: str) -> PatternMatch | None:
        """The first match anywhere in ``text``, else None."""


@dataclass(frozen=True, slots=True, kw_only=True)
class FieldSpec:
    """A field an item may carry, declared once and shared by the types that use it."""

    name: str
    kind: FieldKind
    values: tuple[str, ...] = ()
    """Allowed values of a ``choice`` or ``choices`` field."""
    minimum: int | None = None
    maximum: int | None = None
    description: str = ""

    def value_problem(self, value: str) -> str | None:
        """Say why ``value`` is not allowed for this field, or return None if it is.

        :param value: The raw text written in the item's option.
        """
        text = value.strip()
        if self.kind == "choice" and text not in self.values:
            return f"{text!r} is not one of {', '.join(self.values)}"
        if self.kind == "choices":
            wrong = [part for part in _split_list(text) if part not in self.values]
            if wrong:
                return f"{', '.join(wrong)} not among {', '.join(self.values)}"
        if self.kind == "integer":
            return self._integer_problem(text)
        if self.kind == "date":
            return _date_problem(text)
        return None

    def _integer_problem(self, text: str) -> str | None:
        if not re.fullmatch(r"[+-]?[0-9]+", text):
            return f"{_shorten(text)!r} is not a whole number"
        # a bound on the length keeps int() within Python's digit limit
        if len(text.lstrip("+-")) > 18:
            return f"{_shorten(text)!r} has more than 18 digits"
        number = int(text)
        if self.minimum is not None and number < self.minimum:
            return f"{number} is below the minimum {self.minimum}"
        if self.maximum is not None and number > self.maximum:
            return f"{number} is above the maximum {self.maximum}"
        return None


@dataclass(frozen=True, slots=True, kw_only=True)
class LinkType:
    """A named, directed link; ``incoming`` is how it reads from the target."""

    name: str
    incoming: str
    description: str = ""
    acyclic: bool = True
    """Whether a loop through this link is a finding (``link_cycle``)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class ItemType:
    """A kind of controlled item, authored with its own directive."""

    name: str
    directive: str
    title: str
    prefix: str
    id_pattern: LinearPattern
    """Compiled by google-re2: matching is linear in the id's length."""
    id_pattern_text: str
    """The pattern as a reader should see it (prefix not escaped)."""
    color: str
    description: str
    required: tuple[str, ...]
    optional: tuple[str, ...]
    allowed_links: tuple[tuple[str, tuple[str, ...]], ...]
    """(link type, allowed target types) for every outgoing link this type may carry."""

    @property
    def fields(self) -> tuple[str, ...]:
        """Every field the type accepts, required first."""
        return self.required + self.optional

    def link_targets(self, link: str) -> tuple[str, ...] | None:
        """The target types allowed for ``link``, or None if the link is not allowed."""
        for name, targets in self.allowed_links:
            if name == link:
                return targets
        return None


@dataclass(frozen=True, slots=True, kw_only=True)
class CoverageRule:
    """A rule of the design-control chain: every item of a type has a given link.

    With ``direction == "incoming"`` an item of ``item_type`` needs a ``link`` from an
    item of one of ``counterpart_types``; with ``"outgoing"`` it needs a ``link`` to one.
    """

    name: str
    description: str
    clause: str
    item_type: str
    direction: Literal["incoming", "outgoing"]
    link: str
    counterpart_types: tuple[str, ...]
    severity: Severity = "error"
    blocking: bool = True
    allow_empty: bool = False
    """The rule may apply to no item (e.g. no known vulnerability); otherwise an
    empty rule fails when blocking (a device file with no hazards has no risk file)."""

    @property
    def check_id(self) -> str:
        """The finding's check id (the Sphinx warning subtype)."""
        return f"coverage_{self.name}"


@dataclass(frozen=True, slots=True, kw_only=True)
class PathStep:
    """One step along links: follow ``link`` outgoing, or incoming (backwards)."""

    link: str
    incoming: bool

    def __str__(self) -> str:
        return f"<{self.link}" if self.incoming else self.link


@dataclass(frozen=True, slots=True, kw_only=True)
class MatrixColumn:
    """A column of a trace matrix: the items reached from the row along ``path``."""

    title: str
    start: Literal["root", "row"]
    """Follow the path from the row's root item, or from the item the row expands to."""
    path: tuple[PathStep, ...]
    types: tuple[str, ...]
    """Keep only items of these types (all when empty)."""
    required: bool
    """An empty cell is a gap, marked in every output."""


@dataclass(frozen=True, slots=True, kw_only=True)
class MatrixSpec:
    """A trace matrix: one row per root item, or per (root, expanded item) pair."""

    name: str
    title: str
    description: str
    root: str
    expand: tuple[PathStep, ...]
    expand_types: tuple[str, ...]
    columns: tuple[MatrixColumn, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class EvidenceConfig:
    """How test results are stored and linked to items (profile ``[evidence]``)."""

    directory: str
    """Folder of the committed result records, relative to the project root."""
    verifies_property: str
    """Test-case property in JUnit XML that names the verified item ids."""
    name_pattern: LinearPattern | None
    """Item ids found in a test case's name by this pattern are verified by it."""
    test_types: tuple[str, ...]
    """Item types that describe tests (linked to results through ``automated_field``)."""
    automated_field: str
    """Field of a test item that names its automated test (``path::name`` node id)."""
    verified_types: tuple[str, ...]
    """Item types whose verification state is shown and gated."""
    unchanged_fields: tuple[str, ...]
    """Fields whose change alone does not make a result stale (status, tags...)."""
    verification_links: tuple[str, ...] = ("verifies", "validates")
    """Links from a test type to the item it verifies (or validates)."""
    software_paths: tuple[str, ...] = ()
    """Files or folders of the software under test in the repository: an automated
    result is stale once they changed after its commit (the version under test)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class SoupConfig:
    """How SOUP is identified from SBOMs and vulnerabilities assessed (``[soup]``)."""

    directory: str
    """Folder of the committed SBOM records, relative to the project root."""
    vulnerabilities: str
    """Folder of the committed scanner records, relative to the project root."""
    soup_type: str
    version_field: str
    purl_field: str
    relevance_field: str
    """Field saying whether a SOUP failure can contribute to a hazardous situation."""
    irrelevant_values: tuple[str, ...]
    """Values of ``relevance_field`` that need no link to a hazard."""
    supplier_field: str
    """Field naming the manufacturer or supplier (shown where the SBOM names none)."""
    support_level_field: str
    end_of_support_field: str
    """Date the supplier stops supporting the version (end of support or of life)."""
    hazard_link: str
    """Link from a safety-relevant SOUP item to the hazards it contributes to."""
    assessment_type: str
    """Item type of a vulnerability assessment."""
    identifier_field: str
    status_field: str
    justification_field: str
    action_field: str
    component_link: str
    """Link from an assessment to the SOUP items it concerns."""
    mitigation_link: str
    """Link by which a control mitigates an assessed vulnerability."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Profile:
    """Everything that configures a QMS: a company edits this, not the code."""

    name: str
    version: str
    description: str
    source: str
    """Where the profile came from (a file path, or the name of a packaged profile)."""
    fields: tuple[FieldSpec, ...]
    links: tuple[LinkType, ...]
    types: tuple[ItemType, ...]
    coverage: tuple[CoverageRule, ...]
    risk: RiskModel | None = None
    """The risk model of the risk management plan, if the profile declares one."""
    matrices: tuple[MatrixSpec, ...] = ()
    evidence: EvidenceConfig | None = None
    soup: SoupConfig | None = None
    """SBOM and vulnerability records and their items; None: not tracked."""
    security: SecurityModel | None = None
    """The security risk model (threats, exploitability), if the profile declares one."""
    suspect_record: str | None = None
    """Committed record of reviewed links (``[suspect] record``); None: not tracked."""
    suspect_excluded: tuple[str, ...] = ()
    """Fields whose change alone does not make links to an item suspect."""
    baseline_pattern: str = "v*"
    """Git tags that are baselines (``[suspect] baselines``)."""
    signer_registry: str | None = None
    """Committed registry of signers (``[approvals] registry``)."""
    review_exports: str | None = None
    """Folder of exported pull-request reviews (``[approvals] reviews``)."""
    approval_types: tuple[str, ...] = ()
    """Item types whose last change needs a covering approval (``required_types``)."""
    approval_policy: ApprovalPolicy | None = None
    """Who must sign which items and documents, and how (``[approvals]``)."""
    documents: DocumentControlConfig | None = None
    """Document numbers and roles of the pages (``[documents]``); None: not controlled."""
    advisory_checks: tuple[str, ...] = ()
    """Checks whose findings are shown but do not fail the everyday gate (``[gate]``)."""
    status_field: str | None = None
    """The document-control status field the release gate reads (``[gate]``)."""
    released_statuses: tuple[str, ...] = ()
    """Statuses an item must have to be released (e.g. ``approved``)."""
    retired_statuses: tuple[str, ...] = ()
    """Statuses of items outside the release (e.g. ``obsolete``)."""
    design_review: DesignReviewConfig | None = None
    """Design review records and their actions (``[design_review]``); None: none."""
    design: DesignConfig | None = None
    """Types, fields and links of the design documents (``[design]``); None: the
    design documents have nothing to show."""
    anomalies: AnomalyConfig | None = None
    """Software anomalies and their fields (``[anomalies]``); None: not tracked."""
    gspr: GsprConfig | None = None
    """The GSPR checklist's types, fields and links (``[gspr]``); None: no checklist."""
    ai: AiConfig | None = None
    """AI models, datasets, evaluations and their records (``[ai]``); None: the
    device has no AI-enabled function to describe."""
    rendering_options: tuple[str, ...] = ()
    """Directive options of the rendering tool (``[profile] rendering_options``, e.g.
    sphinx-needs' ``template``): passed through, never item fields."""
    input_limits: tuple[tuple[str, int], ...] = ()
    """Size limits in bytes of kinds of input file (``[input_limits]``); the kinds not
    named keep the defaults of :data:`qmsdoc.input_files.LIMITS`."""
    release_records: str = "traceability/releases"
    """Folder of the committed release records (``[release] records``)."""
    _type_by_name: dict[str, ItemType] = field(
        init=False, repr=False, compare=False, default_factory=dict
    )

    def __post_init__(self) -> None:
        self._type_by_name.update(
            {item_type.name: item_type for item_type in self.types}
        )

    def item_type(self, name: str) -> ItemType | None:
        """The item type called ``name``, or None."""
        return self._type_by_name.get(name)

    def type_for_directive(self, directive: str) -> ItemType | None:
        """The item type authored with ``directive`` (directive names are lower case)."""
        wanted = directive.lower()
        for item_type in self.types:
            if item_type.directive == wanted:
                return item_type
        return None

    def matrix(self, name: str) -> MatrixSpec | None:
        """The trace matrix called ``name``, or None."""
        for spec in self.matrices:
            if spec.name == name:
                return spec
        return None

    def field_spec(self, name: str) -> FieldSpec | None:
        """The field called ``name``, or None."""
        for spec in self.fields:
            if spec.name == name:
                return spec
        return None

    def link_type(self, name: str) -> LinkType | None:
        """The link type called ``name``, or None."""
        for link in self.links:
            if link.name == name:
                return link
        return None

    @property
    def record_folders(self) -> tuple[tuple[str, str], ...]:
        """(kind, folder) of the committed records the profile keeps: test evidence,
        SBOM records, scanner records; folders relative to the project root."""
        folders: list[tuple[str, str]] = []
        if self.evidence is not None:
            folders.append(("evidence", self.evidence.directory))
        if self.soup is not None:
            folders.append(("sbom", self.soup.directory))
            folders.append(("vulnerabilities", self.soup.vulnerabilities))
        if self.ai is not None:
            folders.append(("performance", self.ai.records))
        return tuple(folders)

    @property
    def directives(self) -> frozenset[str]:
        """The directive names of all item types."""
        return frozenset(item_type.directive for item_type in self.types)

    @property
    def waiver_field(self) -> str | None:
        """The name of the field that carries waivers, if the profile has one."""
        for spec in self.fields:
            if spec.kind == "waivers":
                return spec.name
        return None


def _date_problem(text: str) -> str | None:
    """Only the calendar form YYYY-MM-DD is a date (fromisoformat takes more)."""
    problem = f"{_shorten(text)!r} is not a date in the form YYYY-MM-DD"
    if not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", text):
        return problem
    try:
        date.fromisoformat(text)
    except ValueError:
        return problem
    return None


def _shorten(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else f"{text[:limit]}..."


def _split_list(text: str) -> list[str]:
    return [part.strip() for part in re.split(r"[,;\n]", text) if part.strip()]


def split_list(text: str) -> list[str]:
    """Split a comma-, semicolon- or newline-separated option value into its parts."""
    return _split_list(text)
