"""Benchmark qmsdoc against stock sphinx-needs on the synthetic corpus of gen_corpus.py.

Both configurations build the very same ``.rst`` files: *stock* with the corpus's own
``conf.py`` (sphinx-needs), *qmsdoc* with ``-c bench/qms-conf`` (qmsdoc, whose item
types come from ``bench/corpus-profile.toml``). Per corpus size N and per configuration:

(a) clean HTML build (``-E``, fresh output folder), also by *qmsdoc-off*: the qmsdoc
    build with its speed-ups off (``-D qms_speedups=0``), whose HTML pages must be
    byte-identical to those of the qmsdoc build;
(b) one-file incremental build after renaming the title of one item;
(c) no-op rebuild (nothing changed);
(d) export: ``qms matrix`` (qmsdoc) against ``sphinx-build -b needs -E`` (stock).

Each figure is the median of ``--repeat`` runs after one discarded warm-up run; the
runs of the configurations alternate. Wall time and peak RSS come from
``/usr/bin/time -v``. The incremental runs also check that no page shows a stale title.
See bench/README.md. Standard library only.
"""

from __future__ import annotations

import argparse
import html
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, TypeAlias

if TYPE_CHECKING:
    from collections.abc import Callable

#: whether a target is met and the figures, or None when not measured
Verdict: TypeAlias = tuple[bool, str] | None

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "bench"
QMS_CONF = BENCH / "qms-conf"
PROFILE = BENCH / "corpus-profile.toml"
GEN_CORPUS = Path(__file__).resolve().parents[2] / "shared" / "gen_corpus.py"
TIME = Path("/usr/bin/time")
BIN = Path(sys.executable).parent  # the venv's bin folder (not resolved: a symlink)

STOCK = "stock"
QMS = "qmsdoc"
#: qmsdoc with the speed-ups that depend on sphinx-needs/docutils internals off
QMS_OFF = "qmsdoc-off"
#: the configurations of the incremental, no-op and export modes
CONFIGS = (STOCK, QMS)
#: the configurations of the clean HTML mode
CLEAN_CONFIGS = (STOCK, QMS, QMS_OFF)
CLEAN = "clean HTML (-E)"
INCREMENTAL = "one-file incremental"
NOOP = "no-op rebuild"
EXPORT = "export: qms matrix vs -b needs"
MODES = (CLEAN, INCREMENTAL, NOOP, EXPORT)
#: the file whose first item (with a title unique in the corpus) is renamed
RENAMED_FILE = "requirements/software-requirements-003.rst"
RENAMED_TYPE = "dinput"
#: sphinx-needs' needs_role_need_max_title_length (default; neither conf.py sets it)
ROLE_TITLE_LENGTH = 30
PACKAGES = ("sphinx", "sphinx-needs", "docutils", "openpyxl", "qmsdoc")

#: runs a command and prints its peak RSS (KiB) and wall time: the fallback when
#: /usr/bin/time is missing (RUSAGE_CHILDREN of this wrapper = the command alone)
_RUSAGE_WRAPPER = """
import resource, subprocess, sys, time
start = time.perf_counter()
status = subprocess.call(sys.argv[2:])
wall = time.perf_counter() - start
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
with open(sys.argv[1], "w") as out:
    out.write(f"wall {wall}\\npeak {peak}\\n")
sys.exit(status)
"""


class BenchError(Exception):
    """A failure that stops the benchmark with a one-line message."""


@dataclass(frozen=True, slots=True)
class Sample:
    """One measured command."""

    wall: float  # seconds
    peak_kib: int  # maximum resident set size of the largest process


@dataclass(slots=True)
class SizeResult:
    """Everything measured at one corpus size."""

    n: int
    samples: dict[tuple[str, str], list[Sample]] = field(default_factory=dict)
    correctness: dict[str, str] = field(default_factory=dict)
    smoke: dict[str, str] = field(default_factory=dict)
    renamed: str = ""
    #: the clean qmsdoc build with the speed-ups on compared to the one with them off
    speedups_off: str = ""

    def add(self, mode: str, config: str, sample: Sample) -> None:
        self.samples.setdefault((mode, config), []).append(sample)

    def wall(self, mode: str, config: str) -> float | None:
        runs = self.samples.get((mode, config))
        return statistics.median(s.wall for s in runs) if runs else None

    def peak_mib(self, mode: str, config: str) -> float | None:
        runs = self.samples.get((mode, config))
        return statistics.median(s.peak_kib for s in runs) / 1024 if runs else None


@dataclass(frozen=True, slots=True)
class Options:
    sizes: list[int]
    repeat: int
    out: Path
    work: Path


# --------------------------------------------------------------------------
# Running and measuring commands
# --------------------------------------------------------------------------


def tool(name: str) -> str:
    """A console script of the venv that runs this script, else from PATH."""
    local = BIN / name
    if local.exists():
        return str(local)
    found = shutil.which(name)
    if found is None:
        raise BenchError(f"{name} not found (run with the venv's python: make bench)")
    return found


def run(cmd: list[str], log: Path) -> Sample:
    """Run ``cmd`` (output to ``log``) and measure its wall time and peak RSS."""
    with tempfile.NamedTemporaryFile("r", suffix=".time", delete=False) as handle:
        report = Path(handle.name)
    try:
        if TIME.exists():
            full = [str(TIME), "-v", "-o", str(report), *cmd]
        else:
            full = [sys.executable, "-c", _RUSAGE_WRAPPER, str(report), *cmd]
        with log.open("w") as stream:
            status = subprocess.run(
                full, stdout=stream, stderr=subprocess.STDOUT, check=False
            ).returncode
        text = report.read_text()
    finally:
        report.unlink(missing_ok=True)
    if status != 0:
        tail = " | ".join(log.read_text().strip().splitlines()[-3:])
        raise BenchError(f"exit {status}: {' '.join(cmd)} (log {log}: {tail})")
    return _parse_time(text) if TIME.exists() else _parse_wrapper(text)


def _parse_time(text: str) -> Sample:
    wall = re.search(r"Elapsed \(wall clock\) time.*: ([\d:.]+)", text)
    peak = re.search(r"Maximum resident set size \(kbytes\): (\d+)", text)
    if wall is None or peak is None:
        raise BenchError(f"cannot read the output of {TIME} -v")
    seconds = 0.0
    for part in wall.group(1).split(":"):
        seconds = seconds * 60 + float(part)
    return Sample(seconds, int(peak.group(1)))


def _parse_wrapper(text: str) -> Sample:
    values = dict(line.split() for line in text.splitlines() if line.strip())
    return Sample(float(values["wall"]), int(values["peak"]))


# --------------------------------------------------------------------------
# The corpus and the two configurations
# --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Corpus:
    """The folders of one size: the generated corpus, its copies and the outputs."""

    base: Path

    @property
    def pristine(self) -> Path:
        return self.base / "corpus"

    def copy(self, config: str) -> Path:
        return self.base / f"src-{config}"

    def out(self, config: str, mode: str) -> Path:
        return self.base / f"out-{config}-{mode}"

    def log(self, config: str, mode: str) -> Path:
        return self.base / f"{config}-{mode}.log"


def prepare(n: int, work: Path) -> Corpus:
    """Generate the corpus of size ``n`` and one copy per configuration."""
    corpus = Corpus(work / f"n{n}")
    if corpus.base.exists():
        shutil.rmtree(corpus.base)
    corpus.base.mkdir(parents=True)
    subprocess.run(
        [
            sys.executable,
            str(GEN_CORPUS),
            "--needs",
            str(n),
            "--out",
            str(corpus.pristine),
            "--format",
            "sphinx-needs",
            "--seed",
            "1",
        ],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    shutil.copyfile(PROFILE, corpus.pristine / "qms.toml")  # the CLI reads it
    for config in CONFIGS:
        shutil.copytree(corpus.pristine, corpus.copy(config))
    return corpus


def html_build(config: str, src: Path, out: Path, *, clean: bool) -> list[str]:
    cmd = [tool("sphinx-build"), "-b", "html", "-q"]
    if clean:
        cmd.append("-E")
    if config in (QMS, QMS_OFF):
        cmd += ["-c", str(QMS_CONF)]
    if config == QMS_OFF:
        cmd += ["-D", "qms_speedups=0"]
    return [*cmd, str(src), str(out)]


def export_command(config: str, src: Path, out: Path) -> list[str]:
    if config == QMS:
        return [tool("qms"), "--root", str(src), "matrix", "-o", str(out / "m.xlsx")]
    return [tool("sphinx-build"), "-b", "needs", "-E", "-q", str(src), str(out)]


def fresh(folder: Path) -> Path:
    if folder.exists():
        shutil.rmtree(folder)
    return folder


# --------------------------------------------------------------------------
# Checks: the build works, the items are shown, no page is stale
# --------------------------------------------------------------------------


def html_pages(out: Path) -> dict[str, str]:
    """Every HTML page of a build (not the ``_sources`` copies), by relative path."""
    return {
        path.relative_to(out).as_posix(): path.read_text(errors="replace")
        for path in sorted(out.rglob("*.html"))
        if "_sources" not in path.relative_to(out).parts
    }


def smoke_check(corpus: Corpus, config: str, out: Path) -> str:
    """After a clean build: no Python error in the log, every item shown in the HTML."""
    log = corpus.log(config, "clean").read_text()
    for marker in ("Traceback", "Exception occurred", "Extension error"):
        if marker in log:
            raise BenchError(
                f"{config} build: {marker!r} in {corpus.log(config, 'clean')}"
            )
    sources = "".join(p.read_text() for p in corpus.pristine.rglob("*.rst"))
    ids = set(re.findall(r"^ +:id: (\S+)", sources, re.MULTILINE))
    anchors: set[str] = set()
    for text in html_pages(out).values():
        anchors.update(re.findall(r'id="([^"]+)"', text))
    missing = sorted(ids - anchors)
    kinds: dict[str, int] = {}
    for subtype in re.findall(r"WARNING: .*?(?:\[(\S+)\])?$", log, re.MULTILINE):
        kinds[subtype or "untyped"] = kinds.get(subtype or "untyped", 0) + 1
    warnings = ", ".join(f"{k} {v}" for k, v in sorted(kinds.items())) or "none"
    shown = f"{len(ids) - len(missing)}/{len(ids)} items shown"
    if missing:
        shown += f" (missing: {', '.join(missing[:5])}...)"
    return f"{shown}; warnings: {warnings}"


@dataclass(slots=True)
class Rename:
    """The renamed item: its title line in one file, and the titles it has had."""

    relative: str  # the file, relative to the corpus
    line: int
    prefix: str
    original: str
    item_id: str
    titles: list[str] = field(default_factory=list)

    @classmethod
    def pick(cls, src: Path) -> Rename:
        """The first item of RENAMED_FILE whose title appears once in the corpus."""
        path = src / RENAMED_FILE
        if not path.exists():
            files = sorted((src / "requirements").glob("software-requirements-*.rst"))
            if not files:
                raise BenchError(f"no software-requirements file in {src}")
            path = files[-1]
        corpus_text = "".join(p.read_text() for p in src.rglob("*.rst"))
        lines = path.read_text().splitlines()
        for number, line in enumerate(lines):
            match = re.match(rf"(\.\. {RENAMED_TYPE}:: )(.+)$", line)
            if match and corpus_text.count(match.group(2)) == 1:
                item_id = re.search(
                    r":id: (\S+)", "\n".join(lines[number : number + 3])
                )
                return cls(
                    relative=path.relative_to(src).as_posix(),
                    line=number,
                    prefix=match.group(1),
                    original=match.group(2),
                    item_id=item_id.group(1) if item_id else "?",
                    titles=[match.group(2)],
                )
        raise BenchError(f"no {RENAMED_TYPE} with a unique title in {path}")

    def set_title(self, src: Path, title: str) -> None:
        path = src / self.relative
        lines = path.read_text().splitlines(keepends=True)
        lines[self.line] = f"{self.prefix}{title}\n"
        path.write_text("".join(lines))


def shown_as(title: str, item_id: str) -> list[str]:
    """How a page can show an item's title, HTML-escaped: in full (the item's box,
    need tables), or as a ``:need:`` reference, which sphinx-needs renders as
    ``{title} ({id})`` with the title cut to ``needs_role_need_max_title_length``
    (default 30, set by neither conf.py) as ``title[:27] + "..."``."""
    forms = [title]
    if len(title) > ROLE_TITLE_LENGTH:
        forms.append(f"{title[: ROLE_TITLE_LENGTH - 3]}... ({item_id})")
    return [html.escape(form, quote=False) for form in forms]


def pages_showing(out: Path, forms: list[str]) -> set[str]:
    return {
        page for page, text in html_pages(out).items() if any(f in text for f in forms)
    }


def stale_pages(
    out: Path, expected: set[str], new: list[str], old: list[str]
) -> set[str]:
    """Pages that show an old title in any form, or expected pages lacking the new one."""
    stale: set[str] = set()
    for page, text in html_pages(out).items():
        if any(form in text for form in old) or (
            page in expected and not any(form in text for form in new)
        ):
            stale.add(page)
    return stale


# --------------------------------------------------------------------------
# The modes
# --------------------------------------------------------------------------


def measure_clean(corpus: Corpus, result: SizeResult, repeat: int) -> None:
    for index in range(1 + repeat):
        for config in CLEAN_CONFIGS:
            out = fresh(corpus.out(config, "clean"))
            cmd = html_build(config, corpus.pristine, out, clean=True)
            sample = run(cmd, corpus.log(config, "clean"))
            if index == 0:
                result.smoke[config] = smoke_check(corpus, config, out)
            else:
                result.add(CLEAN, config, sample)
    result.speedups_off = compare_outputs(
        corpus.out(QMS, "clean"), corpus.out(QMS_OFF, "clean")
    )


#: Sphinx's search index: ``Search.setIndex({...})``
_SEARCH_INDEX = re.compile(r"^Search\.setIndex\((.*)\)\s*$", re.DOTALL)


def _canonical(value: object) -> object:
    """A JSON value with every list sorted (by its JSON text) at every depth."""
    if isinstance(value, dict):
        return {key: _canonical(item) for key, item in value.items()}
    if isinstance(value, list):
        items = [_canonical(item) for item in value]
        return sorted(items, key=lambda item: json.dumps(item, sort_keys=True))
    return value


def _same_but_order(first: bytes, second: bytes) -> bool:
    """Whether two search indexes hold the same entries in another order."""
    parsed = []
    for data in (first, second):
        match = _SEARCH_INDEX.match(data.decode("utf-8", errors="replace"))
        if match is None:
            return False
        try:
            parsed.append(_canonical(json.loads(match.group(1))))
        except ValueError:
            return False
    return parsed[0] == parsed[1]


def compare_outputs(on: Path, off: Path) -> str:
    """Compare the outputs of the clean qmsdoc builds with the speed-ups on and off.

    Every HTML page (``_sources`` copies excluded, as in :func:`html_pages`) must be
    byte-identical; the other files (doctrees excluded) are listed when they differ,
    the search index as "same entries, other order" when only its order differs.
    """

    def files(out: Path) -> dict[str, Path]:
        return {
            path.relative_to(out).as_posix(): path
            for path in sorted(out.rglob("*"))
            if path.is_file() and ".doctrees" not in path.relative_to(out).parts
        }

    left, right = files(on), files(off)
    pages = sorted(p for p in set(left) | set(right) if _is_page(p))
    different = [
        p
        for p in pages
        if p not in left
        or p not in right
        or left[p].read_bytes() != right[p].read_bytes()
    ]
    others: list[str] = []
    for name in sorted((set(left) | set(right)) - set(pages)):
        if name not in left or name not in right:
            others.append(f"{name} (only {'off' if name in right else 'on'})")
            continue
        first, second = left[name].read_bytes(), right[name].read_bytes()
        if first == second:
            continue
        if name == "searchindex.js" and _same_but_order(first, second):
            others.append(f"{name} (same entries, other order)")
        else:
            others.append(name)
    identical = len(pages) - len(different)
    verdict = (
        f"{identical}/{len(pages)} HTML pages byte-identical"
        if not different
        else f"{len(different)}/{len(pages)} HTML pages differ: "
        f"{', '.join(different[:10])}{'...' if len(different) > 10 else ''}"
    )
    rest = (
        "all other files identical"
        if not others
        else f"other files that differ: {', '.join(others)}"
    )
    return f"{'correct' if not different else 'different'}: {verdict}; {rest}"


def _is_page(relative: str) -> bool:
    return relative.endswith(".html") and "_sources" not in relative.split("/")


def measure_incremental(corpus: Corpus, result: SizeResult, repeat: int) -> None:
    rename = Rename.pick(corpus.copy(STOCK))
    result.renamed = f"{rename.item_id} in {rename.relative}"
    expected: dict[str, set[str]] = {}
    stale: dict[str, set[str]] = {config: set() for config in CONFIGS}
    for config in CONFIGS:  # the build the incremental runs start from
        out = fresh(corpus.out(config, "inc"))
        src = corpus.copy(config)
        run(html_build(config, src, out, clean=False), corpus.log(config, "inc"))
        original = shown_as(rename.original, rename.item_id)
        expected[config] = pages_showing(out, original)
    for index in range(1 + repeat):
        # the run number lies within the 27 characters a :need: reference keeps
        title = f"Bench rename {index} of {rename.item_id}: title changed by run_bench"
        for config in CONFIGS:
            src, out = corpus.copy(config), corpus.out(config, "inc")
            rename.set_title(src, title)
            cmd = html_build(config, src, out, clean=False)
            sample = run(cmd, corpus.log(config, "inc"))
            new = shown_as(title, rename.item_id)
            old = [f for t in rename.titles for f in shown_as(t, rename.item_id)]
            stale[config] |= stale_pages(out, expected[config], new, old)
            if index > 0:
                result.add(INCREMENTAL, config, sample)
        rename.titles.append(title)
    for config in CONFIGS:  # restore the file, so the no-op runs start consistent
        src, out = corpus.copy(config), corpus.out(config, "inc")
        rename.set_title(src, rename.original)
        run(html_build(config, src, out, clean=False), corpus.log(config, "inc"))
        pages = ", ".join(sorted(stale[config]))
        checked = f"pages showing the item: {', '.join(sorted(expected[config]))}"
        result.correctness[config] = (
            f"stale (pages: {pages}); {checked}" if pages else f"correct; {checked}"
        )


def measure_noop(corpus: Corpus, result: SizeResult, repeat: int) -> None:
    for index in range(1 + repeat):
        for config in CONFIGS:
            src, out = corpus.copy(config), corpus.out(config, "inc")
            cmd = html_build(config, src, out, clean=False)
            sample = run(cmd, corpus.log(config, "noop"))
            if index > 0:
                result.add(NOOP, config, sample)


def measure_export(corpus: Corpus, result: SizeResult, repeat: int) -> None:
    for index in range(1 + repeat):
        for config in CONFIGS:
            out = fresh(corpus.out(config, "export"))
            out.mkdir(parents=True)
            cmd = export_command(config, corpus.pristine, out)
            sample = run(cmd, corpus.log(config, "export"))
            if index > 0:
                result.add(EXPORT, config, sample)


def bench_size(n: int, options: Options) -> SizeResult:
    result = SizeResult(n)
    note(f"N={n}: generating the corpus")
    corpus = prepare(n, options.work)
    for mode, measure in (
        (CLEAN, measure_clean),
        (INCREMENTAL, measure_incremental),
        (NOOP, measure_noop),
        (EXPORT, measure_export),
    ):
        note(f"N={n}: {mode} (1 warm-up + {options.repeat} runs per configuration)")
        measure(corpus, result, options.repeat)
    return result


# --------------------------------------------------------------------------
# Report
# --------------------------------------------------------------------------


def note(message: str) -> None:
    sys.stderr.write(f"[bench] {message}\n")
    sys.stderr.flush()


def _num(value: float | None, digits: int = 2) -> str:
    return "n/a" if value is None else f"{value:.{digits}f}"


def _ratio(top: float | None, bottom: float | None) -> str:
    return "n/a" if top is None or not bottom else f"{top / bottom:.2f}x"


def size_table(result: SizeResult) -> list[str]:
    """The figures of one size; the qmsdoc-off columns (speed-ups off) are measured
    for the clean HTML mode only ("-" in the other rows)."""
    rows = [
        "| mode | stock median s | qmsdoc median s | ratio qmsdoc/stock "
        "| qmsdoc-off median s | ratio qmsdoc-off/stock "
        "| stock peak MiB | qmsdoc peak MiB | ratio "
        "| qmsdoc-off peak MiB | ratio qmsdoc-off/stock |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for mode in MODES:
        ws, wq = result.wall(mode, STOCK), result.wall(mode, QMS)
        ps, pq = result.peak_mib(mode, STOCK), result.peak_mib(mode, QMS)
        wo, po = result.wall(mode, QMS_OFF), result.peak_mib(mode, QMS_OFF)
        off_wall = f"{_num(wo)} | {_ratio(wo, ws)}" if mode == CLEAN else "- | -"
        off_peak = f"{_num(po, 0)} | {_ratio(po, ps)}" if mode == CLEAN else "- | -"
        rows.append(
            f"| {mode} | {_num(ws)} | {_num(wq)} | {_ratio(wq, ws)} | {off_wall} "
            f"| {_num(ps, 0)} | {_num(pq, 0)} | {_ratio(pq, ps)} | {off_peak} |"
        )
    return rows


def targets(results: dict[int, SizeResult]) -> list[str]:
    """The project's performance targets, met or not, from the sizes that ran."""

    def verdict(n: int, check: str, test: Verdict) -> str:
        if n not in results or test is None:
            return f"| {check} | not measured (needs N={n:,}) | |"
        met, figure = test
        return f"| {check} | {'met' if met else 'not met'} | {figure} |"

    def clean(r: SizeResult) -> Verdict:
        ws, wq = r.wall(CLEAN, STOCK), r.wall(CLEAN, QMS)
        if ws is None or wq is None:
            return None
        return wq <= 0.5 * ws, f"{wq:.2f} s / {ws:.2f} s = {wq / ws:.2f}x"

    def incremental(r: SizeResult) -> Verdict:
        wi, wc = r.wall(INCREMENTAL, QMS), r.wall(CLEAN, QMS)
        if wi is None or wc is None:
            return None
        correct = r.correctness.get(QMS, "").startswith("correct")
        figure = f"{wi:.2f} s / {wc:.2f} s = {wi / wc:.2f}x; {'correct' if correct else 'stale'}"
        return wi <= 0.3 * wc and correct, figure

    def export(r: SizeResult) -> Verdict:
        wq, ws = r.wall(EXPORT, QMS), r.wall(EXPORT, STOCK)
        if wq is None or ws is None:
            return None
        return (
            wq <= 3.0 and wq <= ws,
            f"{wq:.2f} s; `-b needs` {ws:.2f} s = {wq / ws:.2f}x",
        )

    def memory(r: SizeResult) -> Verdict:
        ps, pq = r.peak_mib(CLEAN, STOCK), r.peak_mib(CLEAN, QMS)
        if ps is None or pq is None:
            return None
        return pq <= ps, f"{pq:.0f} MiB / {ps:.0f} MiB = {pq / ps:.2f}x"

    def at(n: int, fn: Callable[[SizeResult], Verdict]) -> Verdict:
        return fn(results[n]) if n in results else None

    lines = [
        "| target | status | measured |",
        "|---|---|---|",
        verdict(5000, "clean HTML at N=5,000 <= 0.5x stock", at(5000, clean)),
        verdict(
            5000,
            "one-file incremental at N=5,000 <= 0.3x a clean qmsdoc build, and correct",
            at(5000, incremental),
        ),
        verdict(
            10000,
            "qms matrix at N=10,000 <= 3 s and <= 1x `-b needs`",
            at(10000, export),
        ),
        verdict(5000, "peak RSS (clean HTML) at N=5,000 <= 1x stock", at(5000, memory)),
    ]
    largest = max(results)
    if largest not in (5000, 10000):
        r = results[largest]
        lines += [
            "",
            f"Indicative only, at N={largest:,} (the targets are set at 5,000 / 10,000): "
            f"clean {_fig(clean(r))}; incremental {_fig(incremental(r))}; "
            f"export {_fig(export(r))}; peak RSS {_fig(memory(r))}.",
        ]
    return lines


def speedups_lines(result: SizeResult) -> list[str]:
    """The clean build with the speed-ups on and off: times, and the last clean
    outputs of the two compared."""
    wq, wo = result.wall(CLEAN, QMS), result.wall(CLEAN, QMS_OFF)
    ws = result.wall(CLEAN, STOCK)
    lines = [
        "Speed-ups (`qms_speedups`), clean HTML of this run: "
        f"on {_num(wq)} s ({_ratio(wq, ws)} stock), "
        f"off {_num(wo)} s ({_ratio(wo, ws)} stock); "
        f"off/on {_ratio(wo, wq)}.{_issue_limit(result.n, wq, ws)}",
        "",
        f"Output with the speed-ups off against on (last clean builds): "
        f"{result.speedups_off or 'n/a'}",
    ]
    return lines


#: issue 17: the clean-build ratio at N=5,000 with the speed-ups on, at most (as shown)
SPEEDUPS_LIMIT = 0.39


def _issue_limit(n: int, on: float | None, stock: float | None) -> str:
    if n != 5000 or on is None or not stock:
        return ""
    met = round(on / stock, 2) <= SPEEDUPS_LIMIT
    return (
        f" Issue 17 limit, on <= {SPEEDUPS_LIMIT:.2f}x stock at N=5,000: "
        f"{'met' if met else 'not met'}."
    )


def _fig(test: Verdict) -> str:
    return "n/a" if test is None else test[1]


def machine() -> list[str]:
    cpuinfo = Path("/proc/cpuinfo")
    model = "unknown"
    if cpuinfo.exists():
        found = re.search(r"^model name\s*:\s*(.+)$", cpuinfo.read_text(), re.MULTILINE)
        model = found.group(1).strip() if found else model
    memory = "unknown"
    meminfo = Path("/proc/meminfo")
    if meminfo.exists():
        found = re.search(r"^MemTotal:\s*(\d+) kB", meminfo.read_text(), re.MULTILINE)
        memory = f"{int(found.group(1)) / 1024**2:.1f} GiB" if found else memory
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 0
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    return [
        f"- machine: {cpus} CPUs (nproc), {model}, {memory} RAM, "
        f"{platform.system()} {platform.release()} {platform.machine()}",
        f"- load average at start (1/5/15 min): {load}",
    ]


def versions() -> str:
    parts = [f"python {platform.python_version()}"]
    for package in PACKAGES:
        try:
            parts.append(f"{package} {metadata.version(package)}")
        except metadata.PackageNotFoundError:
            parts.append(f"{package} (not installed)")
    return ", ".join(parts)


def commit() -> str:
    try:
        head = subprocess.run(
            ["git", "-C", str(ROOT), "rev-parse", "--short=12", "HEAD"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "-C", str(ROOT), "status", "--porcelain"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return f"{head}{' (with uncommitted changes)' if dirty else ''}"


def report(
    results: dict[int, SizeResult], options: Options, started: datetime, head: str
) -> str:
    """The results file; ``head`` is :func:`commit` at the start of the run (other
    sessions may commit to the same working tree while it runs)."""
    timer = (
        f"`{TIME} -v` (Elapsed wall clock; Maximum resident set size)"
        if TIME.exists()
        else "a Python wrapper (perf_counter; RUSAGE_CHILDREN ru_maxrss)"
    )
    lines = [
        "# qmsdoc against stock sphinx-needs",
        "",
        f"- date (UTC): {started:%Y-%m-%d %H:%M}",
        *machine(),
        f"- versions: {versions()}",
        f"- qmsdoc commit: {head}",
        f"- sizes: {', '.join(str(n) for n in sorted(results))}; each figure is the "
        f"median of {options.repeat} run(s) after one discarded warm-up; the runs of the "
        "configurations alternate (clean HTML: stock, qmsdoc, qmsdoc-off)",
        f"- measured with {timer}; peak = the largest single process",
        "",
        "## Commands",
        "",
        "```sh",
        "python ../shared/gen_corpus.py --needs N --out CORPUS --format sphinx-needs --seed 1",
        "cp bench/corpus-profile.toml CORPUS/qms.toml",
        "# (a) clean HTML, output folder deleted before (not timed)",
        "sphinx-build -b html -q -E CORPUS OUT                        # stock",
        "sphinx-build -b html -q -E -c bench/qms-conf CORPUS OUT      # qmsdoc",
        "sphinx-build -b html -q -E -c bench/qms-conf -D qms_speedups=0 CORPUS OUT"
        "  # qmsdoc-off",
        "# (b) one-file incremental: after a build of a copy of the corpus per configuration,",
        f"#     rename the title of one {RENAMED_TYPE} in {RENAMED_FILE}",
        "sphinx-build -b html -q COPY OUT                             # stock",
        "sphinx-build -b html -q -c bench/qms-conf COPY OUT           # qmsdoc",
        "# (c) no-op rebuild: the same commands, nothing changed",
        "# (d) export",
        "sphinx-build -b needs -E -q CORPUS OUT                       # stock (needs.json)",
        "qms --root CORPUS matrix -o OUT/m.xlsx                       # qmsdoc (workbook)",
        "```",
        "",
    ]
    for n in sorted(results):
        r = results[n]
        lines += [f"## N = {n:,}", "", *size_table(r), ""]
        lines += [f"Incremental correctness (renamed {r.renamed}):", ""]
        lines += [f"- {c}: {r.correctness.get(c, 'n/a')}" for c in CONFIGS]
        lines += ["", "First clean build (warm-up) of each configuration:", ""]
        lines += [f"- {c}: {r.smoke.get(c, 'n/a')}" for c in CLEAN_CONFIGS]
        lines += ["", *speedups_lines(r), ""]
    lines += ["## Targets", "", *targets(results), ""]
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------
# Main
# --------------------------------------------------------------------------


def parse_args(argv: list[str] | None) -> Options:
    parser = argparse.ArgumentParser(
        description="Benchmark qmsdoc against stock sphinx-needs (see bench/README.md)."
    )
    parser.add_argument(
        "--sizes", default="500,2000,5000", help="corpus sizes N (default: %(default)s)"
    )
    parser.add_argument("--with-10k", action="store_true", help="add N=10000")
    parser.add_argument(
        "--repeat", type=int, default=3, help="counted runs per figure (default: 3)"
    )
    parser.add_argument(
        "--out", type=Path, default=BENCH / "results.md", help="results file"
    )
    parser.add_argument(
        "--work",
        type=Path,
        default=BENCH / "corpora",
        help="corpora and build outputs (default: bench/corpora, git-ignored)",
    )
    parser.add_argument(
        "--quick", action="store_true", help="smoke run: N=500 only, repeat 1"
    )
    args = parser.parse_args(argv)
    try:
        sizes = [int(part) for part in args.sizes.split(",") if part.strip()]
    except ValueError:
        parser.error(f"--sizes: not a list of integers: {args.sizes!r}")
    if args.with_10k and 10000 not in sizes:
        sizes.append(10000)
    repeat: int = args.repeat
    if args.quick:
        sizes, repeat = [500], 1
    if repeat < 1 or not sizes or min(sizes) < 1:
        parser.error("--repeat and --sizes must be positive")
    return Options(sorted(set(sizes)), repeat, args.out.resolve(), args.work.resolve())


def main(argv: list[str] | None = None) -> int:
    options = parse_args(argv)
    if not GEN_CORPUS.is_file():
        sys.stderr.write(f"run_bench: corpus generator not found: {GEN_CORPUS}\n")
        return 2
    if not TIME.exists():
        note(f"{TIME} not found: measuring with resource.getrusage instead")
    started = datetime.now(UTC)
    head = commit()
    results: dict[int, SizeResult] = {}
    try:
        for n in options.sizes:
            results[n] = bench_size(n, options)
    except BenchError as error:
        sys.stderr.write(f"run_bench: {error}\n")
        return 1
    text = report(results, options, started, head)
    options.out.parent.mkdir(parents=True, exist_ok=True)
    options.out.write_text(text)
    sys.stdout.write(text)
    note(f"results written to {options.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
