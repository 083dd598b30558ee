"""Time ``qms check`` on a deep link chain and on the same chain closed into a cycle.

Writes a throwaway project (a git repository in a temporary folder) whose
``requirements/chain.rst`` holds N requirements, each refining the next
(``REQ-00001 refines REQ-00002 ... REQ-N``), with an empty reviewed-links record so
the suspect-link check runs on every link. The cycle variant adds one link from the
last requirement back to the first. Each figure is one ``qms check`` process: wall
seconds and its peak RSS (``os.wait4``). Prints a short Markdown table.

    .venv/bin/python bench/deep_chain_bench.py --depth 5000
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PROFILE = """\
extends = "medical-device"

[project]
name = "Deep chain"
sources = ["requirements"]
"""
RECORD_HEADER = "# qmsdoc reviewed links: SOURCE LINK TARGET FINGERPRINT-OF-TARGET\n"


def chain_text(depth: int, *, cycle: bool) -> str:
    """``depth`` requirements, each refining the next; ``cycle`` links the last to
    the first."""
    blocks = ["Chain\n=====\n"]
    for number in range(1, depth + 1):
        links = []
        if number < depth:
            links.append(f"   :refines: REQ-{number + 1:05d}\n")
        elif cycle:
            links.append("   :refines: REQ-00001\n")
        blocks.append(
            f".. requirement:: Requirement {number}\n"
            f"   :id: REQ-{number:05d}\n"
            "   :status: draft\n"
            "   :kind: functional\n"
            "   :level: software\n" + "".join(links)
        )
    return "\n".join(blocks)


def write_project(root: Path, depth: int, *, cycle: bool) -> None:
    """A project with the chain, committed to a fresh git repository."""
    (root / "requirements").mkdir(parents=True)
    (root / "traceability").mkdir()
    (root / "qms.toml").write_text(PROFILE, encoding="utf-8")
    (root / "requirements" / "chain.rst").write_text(
        chain_text(depth, cycle=cycle), encoding="utf-8"
    )
    (root / "traceability" / "reviewed-links.txt").write_text(
        RECORD_HEADER, encoding="utf-8"
    )
    git = ["git", "-c", "user.name=Bench", "-c", "user.email=bench@example.com"]
    subprocess.run([*git, "init", "-q"], cwd=root, check=True)
    subprocess.run([*git, "add", "."], cwd=root, check=True)
    subprocess.run([*git, "commit", "-q", "-m", "chain"], cwd=root, check=True)


def run_check(root: Path, qms: str) -> tuple[float, float, int]:
    """Seconds, peak RSS in MiB and exit code of one ``qms check`` in ``root``."""
    with tempfile.TemporaryFile() as errors:
        start = time.perf_counter()
        process = subprocess.Popen(
            [qms, "check"], cwd=root, stdout=subprocess.DEVNULL, stderr=errors
        )
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)
        errors.seek(0)
        error = errors.read().decode("utf-8", "replace").strip()
    if process.returncode not in (0, 1):
        sys.exit(f"qms check exited {process.returncode}: {error[-300:]}")
    return seconds, usage.ru_maxrss / 1024, process.returncode


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--depth", type=int, default=5000)
    default_qms = str(Path(sys.executable).with_name("qms"))
    parser.add_argument("--qms", default=default_qms, help="the qms executable")
    options = parser.parse_args()
    sys.stdout.write(
        f"| `qms check`, depth {options.depth} | seconds | peak RSS (MiB) | exit |\n"
        "|---|---:|---:|---:|\n"
    )
    for label, cycle in (("chain", False), ("chain closed into a cycle", True)):
        with tempfile.TemporaryDirectory(prefix="qms-deep-chain-") as folder:
            root = Path(folder)
            write_project(root, options.depth, cycle=cycle)
            seconds, peak, code = run_check(root, options.qms)
        sys.stdout.write(f"| {label} | {seconds:.2f} | {peak:.0f} | {code} |\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
