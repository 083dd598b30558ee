"""A real CycloneDX SBOM of this interpreter's environment, made once per session.

``cyclonedx-py environment`` (cyclonedx-bom) runs on the interpreter running the
tests, writing JSON and XML side by side; both runs take a few seconds each, so
they run at the same time.
"""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

SPEC_VERSION = "1.6"
#: the distributions the interpreter sees, as cyclonedx-py computes them: it asks
#: the interpreter for sys.path, drops a leading '' or current folder, and lists
#: every distribution importlib.metadata finds there; it excludes nothing else (not
#: itself, not pip, and an editable install seen through both its dist-info and
#: its egg-info is two entries)
DISTRIBUTIONS = """\
import importlib.metadata, json, os, sys
path = sys.path[1:] if sys.path and sys.path[0] in ("", os.getcwd()) else sys.path
found = importlib.metadata.distributions(path=path)
print(json.dumps(sorted([d.metadata["Name"], d.metadata["Version"]] for d in found)))
"""


@dataclass(frozen=True, slots=True, kw_only=True)
class EnvironmentSboms:
    """The SBOMs of one environment and what it holds."""

    json_file: Path
    xml_file: Path
    distributions: list[tuple[str, str]]
    """(name, version) of every distribution cyclonedx-py should list, sorted."""


@pytest.fixture(scope="session")
def environment_sboms(tmp_path_factory: pytest.TempPathFactory) -> EnvironmentSboms:
    """CycloneDX 1.6 JSON and XML SBOMs of the test interpreter's environment."""
    folder = tmp_path_factory.mktemp("environment-sbom")
    tool = Path(sys.executable).parent / "cyclonedx-py"
    outputs = {
        "JSON": folder / "environment.cdx.json",
        "XML": folder / "environment.cdx.xml",
    }
    runs = []
    for output_format, path in outputs.items():
        command = [str(tool), "environment", sys.executable, "--sv", SPEC_VERSION]
        command.extend(["--of", output_format, "-o", str(path)])
        runs.append(
            subprocess.Popen(
                command, cwd=folder, stdout=subprocess.PIPE, stderr=subprocess.PIPE
            )
        )
    for run in runs:
        _, errors = run.communicate(timeout=300)
        assert run.returncode == 0, errors.decode()
    listed = subprocess.run(
        [sys.executable, "-c", DISTRIBUTIONS],
        cwd=folder,
        capture_output=True,
        text=True,
        check=True,
    )
    return EnvironmentSboms(
        json_file=outputs["JSON"],
        xml_file=outputs["XML"],
        distributions=[(name, version) for name, version in json.loads(listed.stdout)],
    )
