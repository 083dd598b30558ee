"""Approvals as signature manifestations (21 CFR Part 11, 11.50 and 11.70).

An approval comes from a pull request that changed the item: an ``Approved-by:`` or
``Reviewed-by:`` trailer of its merge commit, or a review exported from the hosting
service (JSON in the shape of the GitHub REST "list reviews" answer, stored under the
reviews folder as ``pr-<number>.json``; never fetched over the network). Logins map
to the signer's printed name and role through a committed registry. An approval
covers the item only if it was given for the item's last change; an approval of an
earlier revision is reported as not covering it.
"""

from __future__ import annotations

import json
import re
import tomllib
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from qmsdoc.errors import InputError

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence
    from pathlib import Path

    from qmsdoc.history.items import ItemChange

__all__ = [
    "Approval",
    "Meaning",
    "ReviewRecord",
    "Signer",
    "item_approvals",
    "read_review_exports",
    "read_signers",
]

Meaning = Literal["authorship", "review", "approval"]
_MEANINGS: dict[str, Meaning] = {"Approved-by": "approval", "Reviewed-by": "review"}


@dataclass(frozen=True, slots=True, kw_only=True)
class Signer:
    """A person who may sign: login, printed name and role."""

    login: str
    name: str
    role: str


@dataclass(frozen=True, slots=True, kw_only=True)
class ReviewRecord:
    """One review of a pull request, as exported from the hosting service."""

    login: str
    state: str
    submitted_at: str
    commit: str | None


@dataclass(frozen=True, slots=True, kw_only=True)
class Approval:
    """A signature manifestation: who, when (UTC), what it means, and what was signed."""

    login: str
    name: str | None
    """Printed name from the registry; None when the login is not registered."""
    role: str | None
    meaning: Meaning
    time: str
    signed: str
    """The commit whose content was signed."""
    pull_request: int | None
    covers_last_change: bool
    note: str


def read_signers(path: Path) -> dict[str, Signer]:
    """The signer registry (``[signers.<login>] name = ..., role = ...``).

    :raises InputError: If the file is missing, not TOML, or an entry lacks a field.
    """
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(f"{path}: signer registry not found") from None
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise InputError(f"{path}: not a valid signer registry: {error}") from None
    signers = {}
    table = data.get("signers", {})
    if not isinstance(table, dict):
        raise InputError(f"{path}: [signers] must be a table")
    for login, entry in table.items():
        if not isinstance(entry, dict) or not all(
            isinstance(entry.get(k), str) for k in ("name", "role")
        ):
            raise InputError(f"{path}: [signers.{login}] needs name and role strings")
        signers[login] = Signer(login=login, name=entry["name"], role=entry["role"])
    return signers


def read_review_exports(folder: Path) -> dict[int, list[ReviewRecord]]:
    """Exported reviews by pull-request number (files ``pr-<number>.json``).

    :raises InputError: If a file is not a list of reviews in the expected shape.
    """
    exports: dict[int, list[ReviewRecord]] = {}
    if not folder.is_dir():
        return exports
    for path in sorted(folder.glob("pr-*.json")):
        match = re.fullmatch(r"pr-(\d+)\.json", path.name)
        if match is None:
            continue
        try:
            document = json.loads(path.read_text(encoding="utf-8"))
            if not isinstance(document, list):
                raise TypeError("the file must hold a list of reviews")
            exports[int(match.group(1))] = [
                ReviewRecord(
                    login=str(entry["user"]["login"]),
                    state=str(entry["state"]),
                    submitted_at=str(entry["submitted_at"]),
                    commit=str(entry["commit_id"]) if entry.get("commit_id") else None,
                )
                for entry in document
            ]
        except (OSError, ValueError, KeyError, TypeError) as error:
            raise InputError(
                f"{path}: not a review export (GitHub reviews shape): {error}"
            ) from None
    return exports


def item_approvals(
    changes: Sequence[ItemChange],
    *,
    reviews: Mapping[int, Sequence[ReviewRecord]],
    signers: Mapping[str, Signer],
) -> list[Approval]:
    """Authorship of the last change, and the reviews and approvals of the pull
    requests that changed the item, each marked whether it covers the last change."""
    if not changes:
        return []
    last = changes[-1]
    manifest = [
        Approval(
            login=last.commit.email,
            name=last.commit.author,
            role=None,
            meaning="authorship",
            time=last.commit.date,
            signed=last.commit.sha,
            pull_request=last.pull_request.number if last.pull_request else None,
            covers_last_change=True,
            note="author of the last change",
        )
    ]
    seen: set[int] = set()
    for change in changes:
        request = change.pull_request
        if request is None or request.number in seen:
            continue
        seen.add(request.number)
        same = (
            last.pull_request is not None and last.pull_request.number == request.number
        )
        for trailer, login in request.trailers:
            meaning = _MEANINGS.get(trailer)
            if meaning is None:
                continue
            manifest.append(
                _approval(
                    login, signers, meaning=meaning, time=request.merged_at,
                    signed=request.merge_commit, number=request.number,
                    covers=same, note="merge commit trailer" if same else "given before the last change",
                )
            )  # fmt: skip
        for review in reviews.get(request.number, []):
            if review.state not in ("APPROVED", "COMMENTED", "CHANGES_REQUESTED"):
                continue
            meaning = "approval" if review.state == "APPROVED" else "review"
            head = request.commits[0] if request.commits else None
            current = same and (review.commit is None or review.commit == head)
            note = (
                "pull request review"
                if current
                else (
                    "approved an earlier revision of the pull request"
                    if same
                    else "given before the last change"
                )
            )
            manifest.append(
                _approval(
                    review.login, signers, meaning=meaning, time=review.submitted_at,
                    signed=review.commit or request.merge_commit, number=request.number,
                    covers=current and review.state == "APPROVED", note=note,
                )
            )  # fmt: skip
    return manifest


def _approval(
    login: str,
    signers: Mapping[str, Signer],
    *,
    meaning: Meaning,
    time: str,
    signed: str,
    number: int,
    covers: bool,
    note: str,
) -> Approval:
    signer = signers.get(login)
    return Approval(
        login=login,
        name=signer.name if signer else None,
        role=signer.role if signer else None,
        meaning=meaning,
        time=time,
        signed=signed,
        pull_request=number,
        covers_last_change=covers,
        note=note,
    )
