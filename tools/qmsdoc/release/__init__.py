"""Release records: what a release tag pointed at, sealed, and checked again later.

A record (``<[release] records>/<tag>.json``, committed on release) holds the tag, its
commit and tree hash and the digest of each dossier ``MANIFEST.sha256`` built from it.
:func:`verify_history` and :func:`compare_dossiers` report a moved tag, rewritten
history, another tree, or a dossier rebuilt from the tag that differs (21 CFR
11.10(e), ISO 13485 4.2.5 via 21 CFR 820.10).
"""

from __future__ import annotations

from qmsdoc.release.record import (
    RECORD_FORMAT,
    PathwayManifest,
    ReleaseRecord,
    manifest_digest,
    read_record,
    record_from_dossier,
    record_path,
    write_record,
)
from qmsdoc.release.verify import (
    ReleaseProblem,
    compare_dossiers,
    record_consistency,
    verify_history,
)

__all__ = [
    "RECORD_FORMAT",
    "PathwayManifest",
    "ReleaseProblem",
    "ReleaseRecord",
    "compare_dossiers",
    "manifest_digest",
    "read_record",
    "record_consistency",
    "record_from_dossier",
    "record_path",
    "verify_history",
    "write_record",
]
