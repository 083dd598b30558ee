"""Profile tables beyond types and links: trace matrices and test evidence."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import re2  # type: ignore[import-untyped]

from qmsdoc.profile import keys
from qmsdoc.profile._primitives import Primitives
from qmsdoc.profile.model import (
    EvidenceConfig,
    LinearPattern,
    MatrixColumn,
    MatrixSpec,
    PathStep,
    SoupConfig,
)
from qmsdoc.profile.paths import project_path_problem

if TYPE_CHECKING:
    from collections.abc import Iterator, Mapping

    from qmsdoc.profile.model import PatternMatch

__all__ = ["Sections"]


class Sections(Primitives):
    """Builds the ``[matrices]`` and ``[evidence]`` tables."""

    def project_path(
        self, spec: Mapping[str, Any], key: str, name: str, default: str | None = None
    ) -> str:
        """A path inside the project (relative, no ``..``): see :mod:`.paths`."""
        value = self.text(spec, key, name, default)
        problem = project_path_problem(value)
        if problem is not None:
            raise self.fail(f"{key}.{name}", problem)
        return value

    def project_paths(self, spec: Mapping[str, Any], key: str, name: str) -> None:
        """Check a list of project paths (``[project] sources``); other value types
        are left to the project loader, which reports them."""
        values = spec.get(name)
        if not isinstance(values, list):
            return
        for value in values:
            if isinstance(value, str) and (problem := project_path_problem(value)):
                raise self.fail(f"{key}.{name}", problem)

    def linear_pattern(self, pattern: str, key: str) -> LinearPattern:
        """Compile a profile pattern with google-re2, whose matching is linear in the
        text: a pattern such as ``REQ-(a+)+`` cannot backtrack catastrophically on a
        crafted id. Syntax RE2 lacks (backreferences, lookaround) is refused here.
        """
        options = re2.Options()
        options.log_errors = False  # RE2 would log the error to stderr as well
        try:
            return _Re2Pattern(re2.compile(pattern, options), pattern)
        except re2.error as error:
            problem = (
                error.args[0].decode("utf-8", "replace")
                if error.args and isinstance(error.args[0], bytes)
                else str(error)
            )
            raise self.fail(
                key,
                f"invalid regular expression: {problem} (RE2 syntax: no "
                "backreferences or lookaround, so matching stays linear)",
            ) from None

    def matrices(
        self, table: Mapping[str, Any], *, type_names: set[str], link_names: set[str]
    ) -> tuple[MatrixSpec, ...]:
        specs = []
        for name, raw in table.items():
            key = f"matrices.{name}"
            self.name(name, key)
            spec = self.as_table(raw, key)
            self.only_keys(spec, key, set(keys.MATRIX))
            root = self.text(spec, key, "root")
            if root not in type_names:
                raise self.fail(f"{key}.root", f"unknown item type {root!r}")
            raw_columns = spec.get("columns")
            if not isinstance(raw_columns, list) or not raw_columns:
                raise self.fail(f"{key}.columns", "must be a non-empty list of tables")
            expand = self.path(spec, key, "expand", link_names)
            columns = []
            for number, raw_column in enumerate(raw_columns, start=1):
                column_key = f"{key}.columns[{number}]"
                column = self.as_table(raw_column, column_key)
                self.only_keys(column, column_key, set(keys.MATRIX_COLUMN))
                start = self.text(column, column_key, "from", "root")
                if start not in ("root", "row"):
                    raise self.fail(f"{column_key}.from", "must be 'root' or 'row'")
                if start == "row" and not expand:
                    raise self.fail(
                        f"{column_key}.from", "'row' needs an 'expand' path"
                    )
                required = column.get("required", False)
                if not isinstance(required, bool):
                    raise self.fail(f"{column_key}.required", "must be true or false")
                columns.append(
                    MatrixColumn(
                        title=self.text(column, column_key, "title"),
                        start="row" if start == "row" else "root",
                        path=self.path(column, column_key, "path", link_names),
                        types=self.known_types(column, column_key, "types", type_names),
                        required=required,
                    )
                )
            titles = [column.title for column in columns]
            if len(set(titles)) != len(titles):
                raise self.fail(f"{key}.columns", "two columns have the same title")
            specs.append(
                MatrixSpec(
                    name=name,
                    title=self.text(spec, key, "title"),
                    description=self.text(spec, key, "description", ""),
                    root=root,
                    expand=expand,
                    expand_types=self.known_types(
                        spec, key, "expand_types", type_names
                    ),
                    columns=tuple(columns),
                )
            )
        return tuple(specs)

    def evidence(
        self, table: Mapping[str, Any], *, type_fields: Mapping[str, tuple[str, ...]]
    ) -> EvidenceConfig:
        key = "evidence"
        self.only_keys(table, key, set(keys.EVIDENCE))
        names = set(type_fields)
        test_types = self.known_types(table, key, "test_types", names)
        automated_field = self.text(table, key, "automated_field", "automated_test")
        if test_types and not any(
            automated_field in type_fields[type_name] for type_name in test_types
        ):
            raise self.fail(
                f"{key}.automated_field",
                f"{automated_field!r} is not a field of any of {', '.join(test_types)}",
            )
        pattern_text = table.get("name_pattern")
        if pattern_text is not None and not isinstance(pattern_text, str):
            raise self.fail(
                f"{key}.name_pattern", "must be a regular expression string"
            )
        pattern = (
            self.linear_pattern(pattern_text, f"{key}.name_pattern")
            if pattern_text
            else None
        )
        return EvidenceConfig(
            directory=self.project_path(
                table, key, "directory", "traceability/evidence"
            ),
            verifies_property=self.text(table, key, "verifies_property", "verifies"),
            name_pattern=pattern,
            test_types=test_types,
            automated_field=automated_field,
            verified_types=self.known_types(table, key, "verified_types", names),
            unchanged_fields=self.strings(table, key, "unchanged_fields"),
            verification_links=self.strings(table, key, "verification_links")
            or ("verifies", "validates"),
            software_paths=self.strings(table, key, "software_paths"),
        )

    def soup(
        self,
        table: Mapping[str, Any],
        *,
        type_fields: Mapping[str, tuple[str, ...]],
        link_names: set[str],
    ) -> SoupConfig:
        key = "soup"
        self.only_keys(table, key, set(keys.SOUP))
        soup_type = self.text(table, key, "soup_type", "soup")
        assessment_type = self.text(table, key, "assessment_type", "vulnerability")
        for name, type_name in (
            ("soup_type", soup_type),
            ("assessment_type", assessment_type),
        ):
            if type_name not in type_fields:
                raise self.fail(f"{key}.{name}", f"unknown item type {type_name!r}")
        owners = {
            "version_field": ("version", soup_type),
            "purl_field": ("purl", soup_type),
            "relevance_field": ("safety_relevance", soup_type),
            "supplier_field": ("supplier", soup_type),
            "support_level_field": ("support_level", soup_type),
            "end_of_support_field": ("end_of_support", soup_type),
            "identifier_field": ("vulnerability_id", assessment_type),
            "status_field": ("vex_status", assessment_type),
            "justification_field": ("vex_justification", assessment_type),
            "action_field": ("vex_action", assessment_type),
        }
        fields = {}
        for name, (default, owner) in owners.items():
            value = self.text(table, key, name, default)
            if value not in type_fields[owner]:
                raise self.fail(
                    f"{key}.{name}", f"{value!r} is not a field of {owner!r}"
                )
            fields[name] = value
        links = {}
        for name, default in (
            ("hazard_link", "contributes_to"),
            ("component_link", "affects"),
            ("mitigation_link", "mitigates"),
        ):
            value = self.text(table, key, name, default)
            if value not in link_names:
                raise self.fail(f"{key}.{name}", f"unknown link type {value!r}")
            links[name] = value
        irrelevant = (
            self.strings(table, key, "irrelevant_values")
            if "irrelevant_values" in table
            else ("none",)
        )
        return SoupConfig(
            directory=self.project_path(table, key, "directory", "traceability/soup"),
            vulnerabilities=self.project_path(
                table, key, "vulnerabilities", "traceability/vulnerabilities"
            ),
            soup_type=soup_type,
            assessment_type=assessment_type,
            irrelevant_values=irrelevant,
            **fields,
            **links,
        )

    def path(
        self, spec: Mapping[str, Any], key: str, name: str, link_names: set[str]
    ) -> tuple[PathStep, ...]:
        steps = []
        for step in self.strings(spec, key, name) if name in spec else ():
            link = step.removeprefix("<")
            if link not in link_names:
                raise self.fail(
                    f"{key}.{name}", f"link type {link!r} is not declared in [links]"
                )
            steps.append(PathStep(link=link, incoming=step.startswith("<")))
        return tuple(steps)

    def known_types(
        self, spec: Mapping[str, Any], key: str, name: str, type_names: set[str]
    ) -> tuple[str, ...]:
        values = self.strings(spec, key, name)
        for value in values:
            if value not in type_names:
                raise self.fail(f"{key}.{name}", f"unknown item type {value!r}")
        return values


class _Re2Pattern:
    """A compiled RE2 pattern that compares, hashes and prints as its text: the
    profile's digest (which decides whether Sphinx re-reads every page) must not
    depend on where in memory the compiled pattern lives."""

    __slots__ = ("_compiled", "pattern")

    def __init__(self, compiled: Any, pattern: str) -> None:
        self._compiled = compiled
        self.pattern = pattern

    def __repr__(self) -> str:
        return f"re2({self.pattern!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Re2Pattern) and other.pattern == self.pattern

    def __hash__(self) -> int:
        return hash(self.pattern)

    def fullmatch(self, text: str) -> PatternMatch | None:
        return self._compiled.fullmatch(text)  # type: ignore[no-any-return]

    def finditer(self, text: str) -> Iterator[PatternMatch]:
        return self._compiled.finditer(text)  # type: ignore[no-any-return]

    def search(self, text: str) -> PatternMatch | None:
        return self._compiled.search(text)  # type: ignore[no-any-return]
