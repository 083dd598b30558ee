"""Test helpers shared by the suite: test roots, the Serenya copy, real Sphinx builds.

A module of its own (not ``conftest``) so that it can be imported by name from any
test folder, including folders that have a ``conftest.py`` of their own.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from qmsdoc.sphinxext.speedups import version_mismatches

TESTS = Path(__file__).parent
ROOTS = TESTS / "roots"
REPOSITORY = TESTS.parent
#: the installed sphinx-needs, docutils or Sphinx are not those the speed-ups were
#: written for (``make test-lowest``): the builds of the suite switch them off, as a
#: user of those versions does, and the tests of the speed-ups themselves are skipped
SPEEDUPS_OFF = bool(version_mismatches())


def git_as(
    root: Path,
    *args: str,
    author: str = "Alice Author <alice@example.com>",
    when: int | None = None,
) -> str:
    """Run git in ``root`` as ``author`` (``Name <email>``, or a name whose first word
    in lower case gives ``<first>@example.com``), at the epoch second ``when`` (UTC)
    for author and committer when given; return its standard output."""
    name, _, email = author.partition(" <")
    email = email.rstrip(">") or f"{name.split(maxsplit=1)[0].lower()}@example.com"
    env = dict(os.environ)
    if when is not None:
        env["GIT_AUTHOR_DATE"] = env["GIT_COMMITTER_DATE"] = f"@{when} +0000"
    done = subprocess.run(
        ["git", "-c", f"user.name={name}", "-c", f"user.email={email}",
         "-c", "commit.gpgsign=false", *args],
        cwd=root, env=env, capture_output=True, text=True, check=True,
    )  # fmt: skip
    return done.stdout.strip()


def without_approval_policy(root: Path) -> None:
    """Switch the default approval policy off in ``root``'s ``qms.toml``, for tests
    of other features whose exact output the policy's advisory findings would fill
    (the policy is tested in ``tests/cli/test_approval_policy.py``)."""
    with (root / "qms.toml").open("a", encoding="utf-8") as config:
        config.write("\n[approvals]\npolicy = []\n")


#: what makes up the Serenya reference device file in this repository
SERENYA_PARTS = (
    "conf.py",
    "qms.toml",
    "index.rst",
    "source",
    "requirements",
    "risks",
    "design-controls",
    "traceability/reviewed-links.txt",
    "traceability/soup",
    "traceability/vulnerabilities",
    "traceability/evidence",
    "traceability/studies",
    # the automated tests that test items name (qms.evidence_test_missing otherwise)
    "tests/serenya",
)


@dataclass(frozen=True, slots=True)
class SphinxRun:
    """The result of one real ``sphinx-build`` run in a subprocess."""

    returncode: int
    warnings: list[str]
    stderr: str
    stdout: str

    @property
    def read_documents(self) -> list[str]:
        """Documents Sphinx read in this run (needs the ``-v`` option)."""
        marker = "reading sources... "
        return sorted(
            line.split("] ", 1)[1].strip()
            for line in self.stdout.splitlines()
            if line.startswith(marker) and "] " in line
        )


def copy_root(name: str, destination: Path) -> Path:
    """Copy ``tests/roots/<name>`` to ``destination`` and return it."""
    shutil.copytree(ROOTS / name, destination)
    return destination


def copy_serenya(destination: Path) -> Path:
    """Copy the Serenya device file (not the engine) to ``destination``."""
    destination.mkdir(parents=True)
    for part in SERENYA_PARTS:
        source = REPOSITORY / part
        target = destination / part
        target.parent.mkdir(parents=True, exist_ok=True)
        if not source.exists():
            continue
        if source.is_dir():
            shutil.copytree(
                source,
                target,
                ignore=shutil.ignore_patterns("__pycache__", "local", ".lock"),
            )
        else:
            shutil.copy2(source, target)
    return destination


def add_pages(root: Path, pages: dict[str, str]) -> Path:
    """Write ``pages`` (name -> text) into a copy of ``test-valid`` and list them in
    its toctree, after ``items``."""
    for name, text in pages.items():
        (root / f"{name}.rst").write_text(text, encoding="utf-8")
    index = root / "index.rst"
    entries = "".join(f"   {name}\n" for name in pages)
    index.write_text(
        index.read_text(encoding="utf-8").replace("   items\n", "   items\n" + entries),
        encoding="utf-8",
    )
    return root


def sphinx_build(source: Path, *options: str, builder: str = "html") -> SphinxRun:
    """Run a real Sphinx build of ``source`` into ``source/_build``."""
    if SPEEDUPS_OFF and not any("qms_speedups" in option for option in options):
        options = ("-D", "qms_speedups=0", *options)
    warnings_file = source / "_build" / "warnings.txt"
    warnings_file.parent.mkdir(parents=True, exist_ok=True)
    completed = subprocess.run(
        [
            sys.executable, "-m", "sphinx", "--no-color", "-b", builder,
            "-w", str(warnings_file), *options, str(source), str(source / "_build" / builder),
        ],
        capture_output=True,
        text=True,
        check=False,
    )  # fmt: skip
    text = warnings_file.read_text(encoding="utf-8") if warnings_file.exists() else ""
    lines = [line for line in text.splitlines() if line.strip()]
    return SphinxRun(completed.returncode, lines, completed.stderr, completed.stdout)


def run_qms(
    root: Path,
    *args: str,
    env: dict[str, str] | None = None,
    timeout: float | None = None,
) -> subprocess.CompletedProcess[str]:
    """Run ``qms ARGS`` in ``root`` in a fresh interpreter, as a user would
    (``timeout``: only a guard against a hang failing the whole run)."""
    return subprocess.run(
        [sys.executable, "-c", "from qmsdoc.cli import main; main()", *args],
        cwd=root,
        capture_output=True,
        text=True,
        check=False,
        env=env,
        timeout=timeout,
    )
