"""``make preview``: sphinx-autobuild serves the device file's HTML and rebuilds it.

The command line is the Makefile's own (``make preview-command`` prints it with the
test's source, output and port), run on a copy of the valid test root.
"""

from __future__ import annotations

import shlex
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from qmstest import REPOSITORY, copy_root

#: how long the first build and the server may take to answer
TIMEOUT = 60.0


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _fetch(url: str, deadline: float) -> str:
    """The body at ``url`` once the server answers with it, polling until ``deadline``."""
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                return str(response.read().decode("utf-8"))
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            if time.monotonic() > deadline:
                raise
            time.sleep(0.5)


def test_preview_serves_the_device_file_and_rebuilds_an_edited_page(
    tmp_path: Path,
) -> None:
    root = copy_root("test-valid", tmp_path / "valid")
    port = _free_port()
    printed = subprocess.run(
        [
            "make", "-s", "--no-print-directory", "-C", str(REPOSITORY),
            "preview-command", f"BIN={Path(sys.executable).parent}",
            f"PREVIEW_SOURCE={root}", f"PREVIEW_OUTPUT={tmp_path / 'out'}",
            f"PREVIEW_PORT={port}",
        ],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    command = shlex.split(printed)
    assert Path(command[0]).name == "sphinx-autobuild"
    assert "'*/traceability/findings.json'" in printed
    log = (tmp_path / "autobuild.log").open("w", encoding="utf-8")
    server = subprocess.Popen(
        command, cwd=REPOSITORY, stdout=log, stderr=subprocess.STDOUT
    )
    try:
        deadline = time.monotonic() + TIMEOUT
        index = _fetch(f"http://127.0.0.1:{port}/", deadline)
        assert "items" in index
        page = _fetch(f"http://127.0.0.1:{port}/items.html", deadline)
        assert "REQ-001" in page
        assert "Flag results outside the reference range" in page
        # an edited page is rebuilt and served again
        items = root / "items.rst"
        items.write_text(
            items.read_text(encoding="utf-8").replace(
                "Flag results outside the reference range",
                "Flag every result outside the reference range",
            ),
            encoding="utf-8",
        )
        while "Flag every result" not in page:
            assert time.monotonic() < deadline, "the edited page was not rebuilt"
            time.sleep(0.5)
            page = _fetch(f"http://127.0.0.1:{port}/items.html", deadline)
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        log.close()
