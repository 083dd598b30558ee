"""The approval policy of a profile (``[approvals]``): who must sign what, and how.

Which roles must sign which item types and which controlled documents, with which
meanings (21 CFR Part 11 11.50: the meaning of a signature is part of it), and where
the signer must be independent of the author (ISO 13485 7.3.5 via 21 CFR 820.10).
Framework-free; read by :mod:`qmsdoc.profile._build`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from qmsdoc.profile import keys

if TYPE_CHECKING:
    from collections.abc import Mapping

    from qmsdoc.profile._sections import Sections

__all__ = [
    "MEANINGS",
    "ApprovalPolicy",
    "SignatureRule",
    "build_approval_policy",
]

#: The meanings a signature can carry (Part 11 11.50(a)(3)).
MEANINGS = ("authorship", "review", "approval", "responsibility")
_DEFAULT_TRAILERS = {"approved-by": "approval", "reviewed-by": "review"}


@dataclass(frozen=True, slots=True, kw_only=True)
class SignatureRule:
    """One rule of the policy: what it applies to and the signatures it needs."""

    name: str
    """How findings cite the rule."""
    types: tuple[str, ...]
    """Item types the rule applies to."""
    documents: tuple[str, ...]
    """Document roles the rule applies to; ``*`` is every controlled document."""
    roles: tuple[str, ...]
    """Each role must sign; empty: one signature by any registered signer."""
    meanings: tuple[str, ...]
    """Meanings that satisfy the rule."""
    independent: bool
    """The signer must not be the author of the signed content."""
    clause: str

    def applies_to_document(self, role: str | None) -> bool:
        """Whether a document with ``role`` falls under the rule."""
        return "*" in self.documents or (role is not None and role in self.documents)


@dataclass(frozen=True, slots=True, kw_only=True)
class ApprovalPolicy:
    """The signatures an item or document needs before it is released."""

    trailers: tuple[tuple[str, str], ...]
    """(trailer key in lower case, meaning): which trailers sign, and what they mean."""
    scope_trailer: str | None
    """Trailer whose value ``baseline`` makes a merge sign the whole device file as of
    the merged head (a baseline or release approval); None: not used."""
    rules: tuple[SignatureRule, ...]
    independence_exception: str | None
    """A project-wide justification accepting signatures that are not independent (a
    recorded deviation, shown with each such finding); None: none accepted."""

    def meaning_of(self, trailer: str) -> str | None:
        """The meaning a trailer key gives a signature, or None if it does not sign."""
        return dict(self.trailers).get(trailer.lower())

    def rules_for_type(self, type_name: str) -> tuple[SignatureRule, ...]:
        """The rules an item of ``type_name`` falls under."""
        return tuple(rule for rule in self.rules if type_name in rule.types)

    def rules_for_document(self, role: str | None) -> tuple[SignatureRule, ...]:
        """The rules a controlled document with ``role`` falls under."""
        return tuple(rule for rule in self.rules if rule.applies_to_document(role))


def build_approval_policy(
    approvals: Mapping[str, Any], reader: Sections, type_names: set[str]
) -> ApprovalPolicy:
    """The policy from the ``[approvals]`` table (its ``trailers``, ``scope_trailer``,
    ``independence_exception`` and ``[[approvals.policy]]`` rules).

    :raises ProfileError: On an unknown meaning, item type or key.
    """
    trailers = dict(_DEFAULT_TRAILERS)
    if "trailers" in approvals:
        table = reader.as_table(approvals["trailers"], "approvals.trailers")
        trailers = {}
        for key, meaning in table.items():
            _meaning(reader, meaning, f"approvals.trailers.{key}")
            trailers[key.lower()] = meaning
    rules = []
    raw_rules = approvals.get("policy", [])
    if not isinstance(raw_rules, list):
        raise reader.fail("approvals.policy", "must be an array of tables")
    for index, raw in enumerate(raw_rules):
        key = f"approvals.policy[{index}]"
        spec = reader.as_table(raw, key)
        reader.only_keys(spec, key, set(keys.APPROVAL_RULE))
        meanings = reader.strings(spec, key, "meanings") or ("approval",)
        for meaning in meanings:
            _meaning(reader, meaning, f"{key}.meanings")
        independent = spec.get("independent", False)
        if not isinstance(independent, bool):
            raise reader.fail(f"{key}.independent", "must be true or false")
        rule = SignatureRule(
            name=reader.text(spec, key, "name"),
            types=reader.known_types(spec, key, "types", type_names),
            documents=reader.strings(spec, key, "documents"),
            roles=reader.strings(spec, key, "roles"),
            meanings=meanings,
            independent=independent,
            clause=reader.text(spec, key, "clause", ""),
        )
        if not rule.types and not rule.documents:
            raise reader.fail(key, "names neither types nor documents")
        rules.append(rule)
    scope = approvals.get("scope_trailer")
    exception = approvals.get("independence_exception")
    for name, value in (
        ("scope_trailer", scope),
        ("independence_exception", exception),
    ):
        if value is not None and (not isinstance(value, str) or not value.strip()):
            raise reader.fail(f"approvals.{name}", "must be a non-empty string")
    return ApprovalPolicy(
        trailers=tuple(sorted(trailers.items())),
        scope_trailer=scope,
        rules=tuple(rules),
        independence_exception=exception,
    )


def _meaning(reader: Sections, meaning: object, key: str) -> None:
    if meaning not in MEANINGS:
        raise reader.fail(
            key, f"unknown meaning {meaning!r}; expected one of {', '.join(MEANINGS)}"
        )
