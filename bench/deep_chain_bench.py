"""Time ``qms check`` on a deep link chain and on the same chain closed into a cycle.

Writes a throwaway project (a git repository in a temporary folder) whose
``requirements/chain.rst`` holds N requirements, each refining the next
(``REQ-00001 refines REQ-00002 ... REQ-N``), with an empty reviewed-links record so
the suspect-link check runs on every link. The cycle variant adds one link from the
last requirement back to the first. The command figures are ``qms check`` processes:
the fastest and the median wall seconds of ``--repeat`` runs and the peak RSS
(``os.wait4``). The walk figure times, in this process, the three walks that were
quadratic before issue 16 (the suspect links with each source's nearest dependants,
the coverage rules and the cycle search) on the same items, so that their share of
the command is visible. Prints a short Markdown table.

    .venv/bin/python bench/deep_chain_bench.py --depth 5000 --depth 10000
"""

from __future__ import annotations

import argparse
import os
import statistics
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


def walk_seconds(root: Path) -> float:
    """Seconds of the suspect-link, coverage and cycle walks on the project's items."""
    from qmsdoc.device_file import read_items  # noqa: PLC0415 (bench only)
    from qmsdoc.history.suspect import suspect_links  # noqa: PLC0415
    from qmsdoc.project import load_project  # noqa: PLC0415
    from qmsdoc.trace import TraceGraph  # noqa: PLC0415

    project = load_project(root)
    graph = TraceGraph(read_items(project))
    start = time.perf_counter()
    suspect_links(graph, {}, excluded=())
    for rule in project.profile.coverage:
        graph.coverage(rule)
    graph.cycles()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--depth", type=int, action="append")
    parser.add_argument("--repeat", type=int, default=3)
    default_qms = str(Path(sys.executable).with_name("qms"))
    parser.add_argument("--qms", default=default_qms, help="the qms executable")
    options = parser.parse_args()
    sys.stdout.write(
        "| `qms check` | depth | fastest s | median s | peak RSS (MiB) | exit "
        "| walks s (in process) |\n|---|---:|---:|---:|---:|---:|---:|\n"
    )
    for depth in options.depth or [5000]:
        for label, cycle in (("chain", False), ("closed into a cycle", True)):
            with tempfile.TemporaryDirectory(prefix="qms-deep-chain-") as folder:
                root = Path(folder)
                write_project(root, depth, cycle=cycle)
                runs = [run_check(root, options.qms) for _ in range(options.repeat)]
                walks = min(walk_seconds(root) for _ in range(options.repeat))
            seconds = [run[0] for run in runs]
            sys.stdout.write(
                f"| {label} | {depth} | {min(seconds):.2f} | "
                f"{statistics.median(seconds):.2f} | {max(r[1] for r in runs):.0f} | "
                f"{runs[0][2]} | {walks:.3f} |\n"
            )
            sys.stdout.flush()


if __name__ == "__main__":
    main()
