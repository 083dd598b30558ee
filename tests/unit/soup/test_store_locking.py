"""A SOUP import writes under the record folder's lock and reads the record it
replaces under the same lock: an import that waits for another one lists the changes
against what the other one wrote, and its own record is the one kept."""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

from qmsdoc.soup.sbom import read_sbom
from qmsdoc.soup.store import read_record, record_text, store_record
from qmsdoc.storage.atomic import write_atomic
from qmsdoc.storage.locking import locked

from ._soup_support import DATA

if TYPE_CHECKING:
    from pathlib import Path

    from qmsdoc.soup.records import SbomRecord


def test_an_import_waits_and_replaces_what_the_other_import_wrote(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "soup"
    first = read_sbom(DATA / "examplemaven-0.0.1.spdx.json", name="product")
    second = read_sbom(DATA / "k8s-bom-hello-server.spdx.json", name="product")
    outcome: list[tuple[Path, SbomRecord | None]] = []
    with locked(folder):  # another import is writing
        waiting = threading.Thread(
            target=lambda: outcome.append(store_record(folder, second))
        )
        waiting.start()
        waiting.join(timeout=0.3)
        assert waiting.is_alive()  # it waits for the lock
        write_atomic(folder / "product.json", record_text(first).encode("utf-8"))
    waiting.join(timeout=60)
    ((path, previous),) = outcome
    assert path == folder / "product.json"
    assert previous is not None
    assert previous.digest == first.digest
    assert read_record(path).digest == second.digest
