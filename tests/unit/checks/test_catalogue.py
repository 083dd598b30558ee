"""The check catalogue: each check id declared once, with its severity and clause,
and every finding made through its catalogue entry."""

from __future__ import annotations

import ast
import importlib
import pkgutil
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

import qmsdoc.checks
from qmsdoc.checks import CheckSpec
from qmsdoc.checks.coverage import COVERAGE
from qmsdoc.checks.design_review import DESIGN_REVIEW_BASELINE_UNKNOWN
from qmsdoc.checks.identity import ID_MISSING
from qmsdoc.device_file import check_device_file
from qmsdoc.model import Location
from qmsdoc.processes import (
    catalogue,
    catalogue_entries,
    outside_specs,
    registered_checks,
    run_checks,
)
from qmsdoc.project import load_project

from .._rst import default_profile, items_from
from .test_registry import BROKEN
from .test_risk import INFORMATION_ONLY, INTRODUCES, UNJUSTIFIED

if TYPE_CHECKING:
    from collections.abc import Iterator

    from qmsdoc.checks import Check, Finding
    from qmsdoc.profile import Profile

PACKAGE = Path(qmsdoc.checks.__file__).parent
#: the Serenya project: this repository
REPOSITORY = Path(__file__).resolve().parents[3]
#: the modules that build findings themselves: the spec and the finding
BUILDERS = {"spec.py", "findings.py"}


def _sources() -> dict[str, ast.Module]:
    return {
        path.name: ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for path in sorted(PACKAGE.glob("*.py"))
    }


def _calls(tree: ast.AST, name: str) -> Iterator[ast.Call]:
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            function = node.func
            called = (
                function.id
                if isinstance(function, ast.Name)
                else function.attr
                if isinstance(function, ast.Attribute)
                else ""
            )
            if called == name:
                yield node


def _keyword(call: ast.Call, name: str) -> ast.expr | None:
    return next((k.value for k in call.keywords if k.arg == name), None)


def _docstrings(tree: ast.AST) -> set[int]:
    """ids of the string nodes that are docstrings (module, class, function)."""
    found = set()
    for node in ast.walk(tree):
        if isinstance(
            node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef
        ):
            body = node.body
            if (
                body
                and isinstance(body[0], ast.Expr)
                and isinstance(body[0].value, ast.Constant)
            ):
                found.add(id(body[0].value))
    return found


def _all_specs() -> list[CheckSpec]:
    return [check.spec for check in registered_checks()] + list(outside_specs())


def _module_specs() -> Iterator[tuple[str, CheckSpec]]:
    """Every spec a module of the package declares at module level."""
    for info in pkgutil.iter_modules(qmsdoc.checks.__path__):
        module = importlib.import_module(f"qmsdoc.checks.{info.name}")
        for name, value in vars(module).items():
            if isinstance(value, CheckSpec) and name.isupper():
                yield f"{info.name}.{name}", value


def test_each_check_id_string_is_written_once_in_the_checks_package() -> None:
    """A check id is a string in its ``CheckSpec(check_id=...)`` and nowhere else
    in the package (docstrings aside): findings, filters and helpers use the spec."""
    ids = {spec.check_id for spec in _all_specs()}
    places: dict[str, list[str]] = {check_id: [] for check_id in ids}
    for name, tree in _sources().items():
        docstrings = _docstrings(tree)
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Constant)
                and node.value in places
                and id(node) not in docstrings
            ):
                places[node.value].append(f"{name}:{node.lineno}")
    assert {
        check_id: where for check_id, where in places.items() if len(where) != 1
    } == {}
    declared = [
        _keyword(call, "check_id")
        for tree in _sources().values()
        for call in _calls(tree, "CheckSpec")
    ]
    literals = [
        node.value
        for node in declared
        if isinstance(node, ast.Constant) and isinstance(node.value, str)
    ]
    assert sorted(literals) == sorted(ids)


def test_every_declared_spec_is_registered_or_listed() -> None:
    """A spec declared in a module but in neither the registry nor the list of
    findings made outside it would be missing from the catalogue (and its findings
    could not be waived)."""
    known = {id(spec) for spec in _all_specs()}
    forgotten = [name for name, spec in _module_specs() if id(spec) not in known]
    assert forgotten == []
    assert len(known) == len(_all_specs())


def test_the_registry_joins_the_checks_of_every_module() -> None:
    joined: list[Check] = []
    for info in pkgutil.iter_modules(qmsdoc.checks.__path__):
        module = importlib.import_module(f"qmsdoc.checks.{info.name}")
        joined.extend(getattr(module, "CHECKS", ()))
    assert sorted(c.check_id for c in joined) == sorted(
        c.check_id for c in registered_checks()
    )
    assert all(check in registered_checks() for check in joined)


def test_findings_are_made_only_through_their_spec() -> None:
    """No module but the spec builds a ``Finding`` itself, and no call passes a
    check id as a string: every finding gets its id and severity from its spec."""
    for name, tree in _sources().items():
        renamed = [
            alias.asname
            for node in ast.walk(tree)
            if isinstance(node, ast.ImportFrom)
            for alias in node.names
            if alias.name == "Finding" and alias.asname not in (None, "Finding")
        ]
        assert renamed == [], name
        if name not in BUILDERS:
            assert list(_calls(tree, "Finding")) == [], name
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call) or node in _calls(tree, "CheckSpec"):
                continue
            check_id = _keyword(node, "check_id")
            assert not isinstance(check_id, ast.Constant), f"{name}:{node.lineno}"


def test_every_spec_names_its_clause_or_says_why_none_applies() -> None:
    for spec in _all_specs():
        assert spec.clause.strip() or "no clause" in spec.summary, spec.check_id
        assert spec.summary.strip(), spec.check_id
        assert "\n" not in spec.summary, spec.check_id
        assert len(set(spec.severities)) == len(spec.severities), spec.check_id


def test_a_finding_takes_the_specs_id_and_default_severity() -> None:
    item = items_from(".. requirement:: No id\n")[0]
    finding = ID_MISSING.at(item, "message")
    assert (finding.check_id, finding.severity) == ("id_missing", "error")
    assert (finding.path, finding.line) == (item.location.path, item.location.line)
    elsewhere = ID_MISSING.at(
        item, "message", location=Location(path="other.rst", line=9, docname="other")
    )
    assert (elsewhere.path, elsewhere.line) == ("other.rst", 9)


def test_only_a_declared_second_severity_is_accepted() -> None:
    item = items_from(".. design_review:: Review\n   :id: DR-001\n")[0]
    lowered = DESIGN_REVIEW_BASELINE_UNKNOWN.at(item, "not checked", severity="info")
    assert lowered.severity == "info"
    with pytest.raises(ValueError, match="severity 'warning' is not declared"):
        DESIGN_REVIEW_BASELINE_UNKNOWN.at(item, "message", severity="warning")
    with pytest.raises(ValueError, match="id_missing: severity 'info'"):
        ID_MISSING.at(item, "message", severity="info")


def test_catalogue_entries_expand_the_coverage_rules_of_the_profile() -> None:
    profile = default_profile()
    entries = catalogue_entries(profile)
    by_id = {spec.check_id: spec for spec in entries}
    assert len(by_id) == len(entries)
    assert COVERAGE.check_id not in by_id
    for rule in profile.coverage:
        spec = by_id[rule.check_id]
        assert (spec.severity, spec.summary, spec.clause) == (
            rule.severity,
            rule.description,
            rule.clause,
        )
    for spec in outside_specs():
        assert by_id[spec.check_id] is spec
    assert catalogue(profile) == [(spec.check_id, spec.summary) for spec in entries]
    assert catalogue(profile) == sorted(catalogue(profile))


def _outside_catalogue(findings: list[Finding], profile: Profile) -> list[str]:
    entries = {spec.check_id: spec for spec in catalogue_entries(profile)}
    return [
        f"{f.check_id} {f.severity} at {f.path}:{f.line}"
        for f in findings
        if f.check_id not in entries or f.severity not in entries[f.check_id].severities
    ]


@pytest.mark.parametrize(
    "text",
    [BROKEN, INFORMATION_ONLY, UNJUSTIFIED, INTRODUCES],
    ids=["broken", "information_only", "unjustified", "introduces"],
)
def test_findings_of_snippets_match_their_catalogue_entry(text: str) -> None:
    profile = default_profile()
    findings = run_checks(items_from(text, profile), profile)
    assert findings
    assert _outside_catalogue(findings, profile) == []


@pytest.mark.parametrize("root", ["broken", "serenya"])
def test_findings_of_a_project_match_their_catalogue_entry(
    root: str, broken_root: Path
) -> None:
    """The broken test root and Serenya (this repository: records, reviews,
    signatures and documents read from git) give only catalogued (id, severity)."""
    project = load_project(broken_root if root == "broken" else REPOSITORY)
    findings = list(check_device_file(project).findings)
    assert findings
    assert _outside_catalogue(findings, project.profile) == []
    assert len({f.check_id for f in findings}) > 1
