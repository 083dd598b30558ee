"""``qms profile --validate`` accepts exactly the project files ``qms check`` accepts."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from qmsdoc.cli import main

if TYPE_CHECKING:
    from pathlib import Path

BASE = 'extends = "medical-device"\n'

#: project files the profile loader alone accepted but `qms check` refused
REFUSED_BY_CHECK = {
    "unknown [project] key": BASE + '[project]\nsourcs = ["."]\n',
    "sources not a list": BASE + '[project]\nsources = "."\n',
    "sources missing": BASE + '[project]\nsources = ["nowhere"]\n',
    "sources outside": BASE + '[project]\nsources = ["../elsewhere"]\n',
    "classification": BASE + '[project]\nclassification = "IIb"\n',
    "profile missing": '[project]\nprofile = "profiles/missing.toml"\n',
    "record outside": BASE
    + '[project]\nsources = ["."]\n[suspect]\nrecord = "/etc/passwd"\n',
}


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    """Exit code and standard error of ``qms ARGS`` run in-process."""
    try:
        main(list(args))
    except SystemExit as done:
        code = done.code
    else:
        code = 0
    assert isinstance(code, int)
    return code, capsys.readouterr().err


@pytest.mark.parametrize(
    "text", list(REFUSED_BY_CHECK.values()), ids=list(REFUSED_BY_CHECK)
)
def test_validate_refuses_what_check_refuses(
    valid_root: Path, capsys: pytest.CaptureFixture[str], text: str
) -> None:
    config = valid_root / "qms.toml"
    config.write_text(text, encoding="utf-8")
    check_code, check_error = _run(capsys, "--root", str(valid_root), "check", "-q")
    validate_code, validate_error = _run(
        capsys, "--root", str(valid_root), "profile", "--validate", str(config)
    )
    assert (check_code, validate_code) == (2, 2)
    assert validate_error == check_error
    assert validate_error.count("\n") == 1


def test_validate_accepts_what_check_accepts(
    valid_root: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = valid_root / "qms.toml"
    check_code, _ = _run(capsys, "--root", str(valid_root), "check", "-q")
    assert check_code == 0
    main(["--root", str(valid_root), "profile", "--validate", str(config)])
    assert "valid profile medical-device" in capsys.readouterr().out


def test_sources_outside_the_root_are_refused_with_a_separate_profile(
    valid_root: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (valid_root / "profiles").mkdir()
    (valid_root / "profiles" / "company.toml").write_text(BASE, encoding="utf-8")
    config = valid_root / "qms.toml"
    config.write_text(
        '[project]\nprofile = "profiles/company.toml"\nsources = ["/etc"]\n',
        encoding="utf-8",
    )
    check_code, check_error = _run(capsys, "--root", str(valid_root), "check", "-q")
    assert check_code == 2
    assert check_error == (
        f"qms: error: {config}: [project.sources]: must be relative to the project "
        "root, not an absolute path\n"
    )
    validate = _run(
        capsys, "--root", str(valid_root), "profile", "--validate", str(config)
    )
    assert validate == (check_code, check_error)
