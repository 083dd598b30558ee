"""Time the verification state of a large synthetic device file (issue 14, Performance).

Builds in memory, from rST text read by the same path as the unit tests
(:func:`qmsdoc.model.rst_source.scan_text`, then :func:`qmsdoc.model.load_items`, with the
packaged ``medical-device`` profile):

* 10 000 verifiable items: 6 000 requirements, 2 000 risk controls, 2 000 security
  controls (5 % linked to no test, a few of those waived);
* 4 000 verification tests linking to them (about 3.4 ``verifies`` links each, half of
  them declaring an ``automated_test`` node id);

and 100 000 synthetic results (:class:`~qmsdoc.evidence.records.TestResult`): six
automated runs of a pool of cases (some naming items or tests by ``verifies``, some
matched through a test's ``automated_test`` node id, some naming an item in the case name,
some naming no item, a few naming ids that do not exist), and one run per manual
execution naming a test id, with a mix of outcomes.

It then times ``evaluate_evidence(TraceGraph(items), profile, runs, history=None, ...)``,
``EvidenceView.counts(graph)`` and ``gap_report(graph, profile, view)`` (median of
``--repeat`` runs after one warm-up run), measures the peak memory of one
``evaluate_evidence`` call with :mod:`tracemalloc`, prints a Markdown report and writes
it to ``bench/results-verification.md``. ``--with-history`` adds the same call with a
history holding the device file at the results' commits (every result is read against
the item as it was, as ``qms`` does in a git checkout). ``--profile`` prints the top
functions of one ``evaluate_evidence`` call (cProfile).

    .venv/bin/python bench/verification_bench.py
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import io
import os
import platform
import pstats
import random
import resource
import statistics
import subprocess
import sys
import time
import tracemalloc
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from qmsdoc.evidence import EvidenceRun, EvidenceView, TestResult, evaluate_evidence
from qmsdoc.evidence.status import STATES, current_signatures
from qmsdoc.model import load_items
from qmsdoc.model.rst_source import scan_text
from qmsdoc.profile import load_profile
from qmsdoc.trace import TraceGraph
from qmsdoc.trace.gaps import gap_report
from qmsdoc.vcs import FakeHistory

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from qmsdoc.evidence.records import Outcome
    from qmsdoc.model import Item, RawItem
    from qmsdoc.profile import Profile
    from qmsdoc.vcs import History

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "bench" / "results-verification.md"
#: the state computation target of issue 14
TARGET_SECONDS = 2.0

REQUIREMENTS = 6_000
RISK_CONTROLS = 2_000
SECURITY_CONTROLS = 2_000
TESTS = 4_000
RESULTS = 100_000
AUTOMATED_RUNS = 6
MANUAL_RESULTS = 4_000  # one run each, as a manual execution record is
ITEMS_PER_FILE = 500
#: share of the verifiable items no test links to
UNLINKED = 0.05

#: (outcome, weight) of every synthetic result
OUTCOME_WEIGHTS: tuple[tuple[Outcome, float], ...] = (
    ("passed", 0.91),
    ("failed", 0.03),
    ("error", 0.01),
    ("skipped", 0.03),
    ("disabled", 0.01),
    ("flaky", 0.01),
)


@dataclass(frozen=True, slots=True, kw_only=True)
class DeviceFile:
    """The synthetic device file: its files, items, signatures and results."""

    files: dict[str, str]
    items: tuple[Item, ...]
    signatures: dict[str, str]
    runs: tuple[EvidenceRun, ...]
    commits: tuple[str, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class Figure:
    """The wall times of one measured operation."""

    name: str
    times: tuple[float, ...]

    @property
    def median(self) -> float:
        return statistics.median(self.times)


# --------------------------------------------------------------------------
# The synthetic device file
# --------------------------------------------------------------------------


def _req(k: int) -> str:
    return f"REQ-{k:04d}"


def _rc(k: int) -> str:
    return f"RC-{k:04d}"


def _sc(k: int) -> str:
    return f"SC-{k:04d}"


def _vt(k: int) -> str:
    return f"VT-{k:04d}"


def automated_test(k: int) -> str | None:
    """The node id test ``VT-k`` declares (every other test), a method for some."""
    if k % 2:
        return None
    module = f"tests/unit/area_{k % 40:02d}/test_vt_{k:04d}.py"
    if k % 10 == 0:
        return f"{module}::TestVt{k:04d}::test_case"
    return f"{module}::test_vt_{k:04d}"


def _directive(kind: str, title: str, options: Sequence[tuple[str, str]]) -> str:
    lines = [f".. {kind}:: {title}"]
    lines.extend(f"   :{name}: {value}" for name, value in options)
    lines.append("")
    lines.append(f"   {title}, as specified in the synthetic device file.")
    return "\n".join(lines) + "\n"


def build_files(rng: random.Random) -> tuple[dict[str, str], list[str]]:
    """The rST files of the device file, and the ids of the verifiable items."""
    verifiable = (
        [_req(k) for k in range(1, REQUIREMENTS + 1)]
        + [_rc(k) for k in range(1, RISK_CONTROLS + 1)]
        + [_sc(k) for k in range(1, SECURITY_CONTROLS + 1)]
    )
    unlinked = set(rng.sample(verifiable, int(len(verifiable) * UNLINKED)))
    waived = set(sorted(unlinked)[::5])
    linked = [i for i in verifiable if i not in unlinked]
    rng.shuffle(linked)
    targets: dict[int, list[str]] = {k: [] for k in range(1, TESTS + 1)}
    for index, item_id in enumerate(linked):  # every linked item has a test
        targets[index % TESTS + 1].append(item_id)
    for k in range(1, TESTS + 1):  # and some items have a second one
        extra = rng.choice(linked)
        if extra not in targets[k]:
            targets[k].append(extra)

    blocks: list[str] = []
    for item_id in verifiable:
        kind, fields = {
            "REQ": ("requirement", [("kind", "functional"), ("level", "software")]),
            "RC": ("risk_control", [("option", "protective_measure")]),
            "SC": ("security_control", [("control_category", "authentication")]),
        }[item_id.split("-")[0]]
        options = [("id", item_id), ("status", "approved"), *fields]
        if item_id in waived:
            options.append(
                (
                    "waiver",
                    "evidence_not_executed: covered by the predicate device's "
                    "clinical data, see the clinical evaluation report",
                )
            )
        blocks.append(_directive(kind, f"Synthetic {kind} {item_id}", options))
    for k in range(1, TESTS + 1):
        options = [
            ("id", _vt(k)),
            ("status", "approved"),
            ("test_level", ("unit", "integration", "system")[k % 3]),
            ("method", "test"),
        ]
        if (node := automated_test(k)) is not None:
            options.append(("automated_test", node))
        options.append(("verifies", ", ".join(targets[k])))
        blocks.append(
            _directive("verification_test", f"Synthetic test {_vt(k)}", options)
        )

    files: dict[str, str] = {}
    for start in range(0, len(blocks), ITEMS_PER_FILE):
        number = start // ITEMS_PER_FILE + 1
        title = f"Items {number}"
        body = "\n".join(blocks[start : start + ITEMS_PER_FILE])
        files[f"items/part-{number:02d}.rst"] = f"{title}\n{'=' * len(title)}\n\n{body}"
    return files, verifiable


def _outcome(rng: random.Random) -> Outcome:
    names = [name for name, _ in OUTCOME_WEIGHTS]
    weights = [weight for _, weight in OUTCOME_WEIGHTS]
    return rng.choices(names, weights)[0]


def _case(
    classname: str, name: str, verifies: tuple[str, ...], rng: random.Random
) -> TestResult:
    return TestResult(
        suite="pytest",
        classname=classname,
        name=name,
        outcome=_outcome(rng),
        duration=round(rng.random(), 3),
        message="",
        verifies=verifies,
    )


def case_pool(
    rng: random.Random, verifiable: list[str]
) -> list[tuple[str, str, tuple[str, ...]]]:
    """(classname, name, verifies) of every automated test case of the project."""
    pool: list[tuple[str, str, tuple[str, ...]]] = []
    for k in range(1, TESTS + 1):  # matched through the test's automated_test
        node = automated_test(k)
        if node is None:
            continue
        module, *inner = node.split("::")
        dotted = module.removesuffix(".py").replace("/", ".")
        classname = ".".join([dotted, *inner[:-1]])
        pool.append((classname, inner[-1], ()))
        if k % 4 == 0:  # parametrised: each case counts for the declared test
            pool.extend((classname, f"{inner[-1]}[{p}]", ()) for p in ("a-1", "b-2"))
    tests = [_vt(k) for k in range(1, TESTS + 1)]
    for j in range(6_000):  # a verifies property naming a test or an item
        names = tuple(rng.sample(tests if j % 3 == 0 else verifiable, 1 + j % 2))
        pool.append(
            (f"tests.integration.test_feature_{j % 300:03d}", f"test_case_{j}", names)
        )
    for j in range(2_000):  # the item id in the case name (the profile's name pattern)
        item_id = rng.choice(verifiable[: REQUIREMENTS + RISK_CONTROLS])
        pool.append(
            (f"tests.system.test_named_{j % 100:03d}", f"test_{item_id}_{j}", ())
        )
    for j in range(50):  # naming an item that does not exist
        pool.append(
            ("tests.integration.test_gone", f"test_gone_{j}", (f"REQ-{9000 + j}",))
        )
    for j in range(8_000):  # naming no item
        pool.append((f"tests.unit.test_misc_{j % 400:03d}", f"test_misc_{j}", ()))
    return pool


def build_runs(
    rng: random.Random, verifiable: list[str]
) -> tuple[list[EvidenceRun], list[str]]:
    """``RESULTS`` results in automated and manual runs, oldest first; their commits."""
    commits = [f"{k:040x}" for k in range(1, AUTOMATED_RUNS + 1)]
    pool = case_pool(rng, verifiable)
    per_run = (RESULTS - MANUAL_RESULTS) // AUTOMATED_RUNS
    if per_run > len(pool):
        raise SystemExit(f"case pool of {len(pool)} is smaller than a run ({per_run})")
    runs: list[EvidenceRun] = []
    manual_per_run = MANUAL_RESULTS // AUTOMATED_RUNS
    for number, commit in enumerate(commits, start=1):
        date = f"2025-0{number}-15T10:00:00"
        cases = rng.sample(pool, per_run)
        runs.append(
            EvidenceRun(
                run_id=f"ci-{number}",
                commit=commit,
                date=date,
                source="junit.xml",
                results=tuple(_case(c, n, v, rng) for c, n, v in cases),
                tree_clean=True,
                environment="ci-linux",
                executor="ci",
            )
        )
        count = manual_per_run + (MANUAL_RESULTS % AUTOMATED_RUNS if number == 1 else 0)
        for m in range(count):
            test_id = _vt(rng.randrange(1, TESTS + 1))
            runs.append(
                EvidenceRun(
                    run_id=f"manual-{number}-{m:04d}",
                    commit=commit,
                    date=date,
                    source="execution.json",
                    results=(
                        TestResult(
                            suite="manual",
                            classname="",
                            name=test_id,
                            outcome=rng.choices(("passed", "failed"), (0.95, 0.05))[0],
                            duration=0.0,
                            message="",
                            verifies=(test_id,),
                        ),
                    ),
                    kind="manual",
                    tree_clean=True,
                    environment="bench rig",
                    executor="tester",
                )
            )
    total = sum(len(run.results) for run in runs)
    if total != RESULTS:
        raise SystemExit(f"built {total} results, not {RESULTS}")
    return runs, commits


def build_device_file(profile: Profile, *, seed: int) -> DeviceFile:
    """The whole synthetic device file (same seed, same file)."""
    rng = random.Random(seed)
    files, verifiable = build_files(rng)
    raw: list[RawItem] = []
    for path, text in files.items():
        raw.extend(
            scan_text(
                text,
                path=path,
                docname=path.removesuffix(".rst"),
                directives=profile.directives,
            )
        )
    items = load_items(raw, profile)
    unchanged = profile.evidence.unchanged_fields if profile.evidence else ()
    signatures = current_signatures(raw, unchanged)
    runs, commits = build_runs(rng, verifiable)
    return DeviceFile(
        files=files,
        items=items,
        signatures=signatures,
        runs=tuple(runs),
        commits=tuple(commits),
    )


# --------------------------------------------------------------------------
# Measuring
# --------------------------------------------------------------------------


def evaluate(
    device: DeviceFile, profile: Profile, history: History | None
) -> EvidenceView:
    """The call the benchmark times (the graph is built inside, as callers do)."""
    return evaluate_evidence(
        TraceGraph(device.items),
        profile,
        device.runs,
        history=history,
        current=device.signatures,
        is_source=lambda path: True,
    )


def timed(name: str, action: Callable[[], object], repeat: int) -> Figure:
    """``action`` run once untimed, then ``repeat`` times (garbage collected between)."""
    action()
    times = []
    for _ in range(repeat):
        gc.collect()
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return Figure(name=name, times=tuple(times))


def traced_peak(action: Callable[[], object]) -> float:
    """Peak memory (MiB) Python allocates during ``action`` (tracemalloc)."""
    gc.collect()
    tracemalloc.start()
    try:
        action()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return peak / 2**20


def profile_top(action: Callable[[], object], limit: int = 20) -> str:
    """cProfile of ``action``: the top functions by own and by cumulative time."""
    profiler = cProfile.Profile()
    profiler.enable()
    action()
    profiler.disable()
    text = io.StringIO()
    stats = pstats.Stats(profiler, stream=text).strip_dirs()
    stats.sort_stats("tottime").print_stats(limit)
    stats.sort_stats("cumulative").print_stats(limit)
    return text.getvalue()


def _commit() -> str:
    try:
        return subprocess.run(
            ["git", "rev-parse", "HEAD"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def _dirty() -> bool:
    try:
        status = subprocess.run(
            ["git", "status", "--porcelain", "--", "tools"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    except (OSError, subprocess.CalledProcessError):
        return False
    return bool(status.strip())


def report(
    *,
    device: DeviceFile,
    view: EvidenceView,
    history_view: EvidenceView | None,
    figures: list[Figure],
    build_seconds: float,
    peak_mib: float,
    args: argparse.Namespace,
) -> str:
    graph = TraceGraph(device.items)
    counts = view.counts(graph)
    with_history = history_view.counts(graph) if history_view is not None else None
    results = sum(len(run.results) for run in device.runs)
    by_kind: dict[str, int] = {}
    for run in device.runs:
        by_kind[run.kind] = by_kind.get(run.kind, 0) + len(run.results)
    types: dict[str, int] = {}
    for item in device.items:
        types[item.item_type] = types.get(item.item_type, 0) + 1
    state_figure = figures[0]
    met = state_figure.median < TARGET_SECONDS
    rss_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    load = ", ".join(f"{value:.2f}" for value in os.getloadavg())
    lines = [
        "# Verification state: 10 000 items, 100 000 results",
        "",
        "`bench/verification_bench.py` (see bench/README.md).",
        "",
        f"- date: {datetime.now(UTC).strftime('%Y-%m-%d %H:%M UTC')}",
        f"- commit: {_commit()}"
        + (" (with uncommitted changes under tools/)" if _dirty() else ""),
        f"- python: {platform.python_version()} ({platform.python_implementation()})",
        f"- machine: {os.cpu_count()} CPUs (nproc {len(os.sched_getaffinity(0))}), "
        f"{platform.machine()}, {platform.system()} {platform.release()}; "
        f"load average at the end {load}",
        f"- seed {args.seed}; each figure: median of {args.repeat} runs after one "
        "warm-up run",
        "",
        "## Input",
        "",
        "| | count |",
        "|---|---:|",
        *(f"| {name} items | {count:,} |" for name, count in sorted(types.items())),
        f"| results | {results:,} |",
        *(
            f"| &nbsp; {kind} results | {count:,} |"
            for kind, count in sorted(by_kind.items())
        ),
        f"| runs (records) | {len(device.runs):,} |",
        f"| building it all (rST text, scan, load, signatures, results) | "
        f"{build_seconds:.2f} s |",
        "",
        "## Figures",
        "",
        "| operation | median | min | max |",
        "|---|---:|---:|---:|",
        *(
            f"| {f.name} | {f.median:.3f} s | {min(f.times):.3f} s | "
            f"{max(f.times):.3f} s |"
            for f in figures
        ),
        "",
        f"- peak memory allocated by one `evaluate_evidence` call (tracemalloc): "
        f"{peak_mib:.1f} MiB",
        f"- peak RSS of the whole process (getrusage, device file included): "
        f"{rss_mib:.0f} MiB",
        "",
        f"Target (issue 14): state computation < {TARGET_SECONDS:.0f} s: "
        + (
            f"**met** ({state_figure.median:.2f} s)"
            if met
            else f"**not met** ({state_figure.median:.2f} s)"
        ),
        "",
        "## Verification states of the gated items",
        "",
        "| state | history=None |" + (" with history |" if with_history else ""),
        "|---|---:|" + ("---:|" if with_history else ""),
        *(
            f"| {state} | {counts[state]:,} |"
            + (f" {with_history[state]:,} |" if with_history else "")
            for state in STATES
        ),
        "",
        "Without history every executed result is stale (its commit cannot be read), "
        "so no item is passed; with history (`--with-history`) each result is read "
        "against the device file at its commit (here unchanged since).",
        "",
    ]
    return "\n".join(lines) + "\n"


def main() -> None:
    """Build the device file, time the calls, print and write the report."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="counted runs (5)")
    parser.add_argument("--seed", type=int, default=14)
    parser.add_argument("--out", type=Path, default=OUT, help="the results file")
    parser.add_argument(
        "--with-history",
        action="store_true",
        help="also time evaluate_evidence with the file at the results' commits",
    )
    parser.add_argument(
        "--profile",
        action="store_true",
        help="print cProfile's top functions of one evaluate_evidence call",
    )
    args = parser.parse_args()

    profile = load_profile()
    start = time.perf_counter()
    device = build_device_file(profile, seed=args.seed)
    build_seconds = time.perf_counter() - start
    graph = TraceGraph(device.items)
    view = evaluate(device, profile, None)

    figures = [
        timed(
            "state: `evaluate_evidence(TraceGraph(items), ...)`, history=None",
            lambda: evaluate(device, profile, None),
            args.repeat,
        ),
        timed("`EvidenceView.counts(graph)`", lambda: view.counts(graph), args.repeat),
        timed(
            "`gap_report(graph, profile, view)`",
            lambda: gap_report(graph, profile, view),
            args.repeat,
        ),
    ]
    history_view: EvidenceView | None = None
    if args.with_history:
        history = FakeHistory(dict.fromkeys(device.commits, device.files))
        figures.append(
            timed(
                f"state with history (file at the results' {len(device.commits)} "
                "commits)",
                lambda: evaluate(device, profile, history),
                args.repeat,
            )
        )
        history_view = evaluate(device, profile, history)
    peak_mib = traced_peak(lambda: evaluate(device, profile, None))
    text = report(
        device=device,
        view=view,
        history_view=history_view,
        figures=figures,
        build_seconds=build_seconds,
        peak_mib=peak_mib,
        args=args,
    )
    sys.stdout.write(text)
    args.out.write_text(text, encoding="utf-8")
    sys.stderr.write(f"written to {args.out}\n")
    if args.profile:
        sys.stdout.write(profile_top(lambda: evaluate(device, profile, None)))


if __name__ == "__main__":
    main()
