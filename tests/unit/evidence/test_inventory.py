"""Automated tests named by test items, looked up in real files of a project tree."""

from __future__ import annotations

import ast
import os
import time
from typing import TYPE_CHECKING

import pytest

from qmsdoc.evidence.inventory import missing_automated_tests

if TYPE_CHECKING:
    from pathlib import Path

TEST_FLAGS = '''\
"""Flagging tests."""

import pytest

from tests.shared import test_shared_limits
from tests import helpers as test_helpers_alias


def test_limits():
    assert True


async def test_async_limits():
    assert True


@pytest.mark.parametrize("value", [1, 2])
def test_param(value):
    assert value


test_generated = pytest.mark.skip(lambda: None)


class TestRange:
    def test_unit(self):
        pass

    class TestNested:
        def test_deep(self):
            pass


class BaseChecks:
    def test_inherited(self):
        pass


class TestDerived(BaseChecks):
    def test_own(self):
        pass


class TestFromElsewhere(SomeImportedBase):
    pass


def helper():
    def test_inner_not_collected():
        pass
'''

SUITE = """\
*** Settings ***
Documentation    Acceptance of the flagging.

*** Test Cases ***
Flags A High Value
    No Operation

Shows The Range
    No Operation

*** Keywords ***
A Keyword
    No Operation
"""


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "tests" / "serenya").mkdir(parents=True)
    (tmp_path / "tests" / "serenya" / "test_flags.py").write_text(
        TEST_FLAGS, encoding="utf-8"
    )
    (tmp_path / "tests" / "serenya" / "test_broken.py").write_text(
        "def test_a(:\n    pass\n", encoding="utf-8"
    )
    (tmp_path / "acceptance").mkdir()
    (tmp_path / "acceptance" / "flags.robot").write_text(SUITE, encoding="utf-8")
    (tmp_path / "acceptance" / "notes.txt").write_text("x", encoding="utf-8")
    return tmp_path


@pytest.mark.parametrize(
    "node_id",
    [
        "tests/serenya/test_flags.py::test_limits",
        "  tests/serenya/test_flags.py::test_limits  ",
        "tests/serenya/test_flags.py::test_async_limits",
        "tests/serenya/test_flags.py::test_param",
        "tests/serenya/test_flags.py::test_param[1]",
        "tests/serenya/test_flags.py::test_param[a::b]",
        "tests/serenya/test_flags.py::test_generated",
        "tests/serenya/test_flags.py::test_shared_limits",
        "tests/serenya/test_flags.py::test_helpers_alias",
        "tests/serenya/test_flags.py::TestRange",
        "tests/serenya/test_flags.py::TestRange::test_unit",
        "tests/serenya/test_flags.py::TestRange::TestNested::test_deep",
        "tests/serenya/test_flags.py::TestDerived::test_own",
        "tests/serenya/test_flags.py::TestDerived::test_inherited",
        "tests/serenya/test_flags.py::TestFromElsewhere::test_maybe_inherited",
        "tests/serenya/test_flags.py",
        "acceptance/flags.robot::Flags A High Value",
        "acceptance/flags.robot::shows_the  range",
        "acceptance/flags.robot",
        "acceptance/notes.txt::anything",
    ],
)
def test_an_existing_test_is_not_missing(project: Path, node_id: str) -> None:
    assert missing_automated_tests(project, {"VT-001": node_id}) == {}


@pytest.mark.parametrize(
    ("node_id", "reason"),
    [
        (
            "tests/serenya/test_pipeline.py::test_mixed_unit_corpus",
            "file tests/serenya/test_pipeline.py does not exist",
        ),
        (
            "tests/serenya/test_flags.py::test_absent",
            "no test test_absent in tests/serenya/test_flags.py",
        ),
        (
            "tests/serenya/test_flags.py::test_absent[1]",
            "no test test_absent in tests/serenya/test_flags.py",
        ),
        (
            "tests/serenya/test_flags.py::test_inner_not_collected",
            "no test test_inner_not_collected in tests/serenya/test_flags.py",
        ),
        (
            "tests/serenya/test_flags.py::TestRange::test_absent",
            "no test test_absent in tests/serenya/test_flags.py::TestRange",
        ),
        (
            "tests/serenya/test_flags.py::TestAbsent::test_unit",
            "no test TestAbsent in tests/serenya/test_flags.py",
        ),
        (
            "tests/serenya/test_flags.py::test_limits::test_unit",
            "test_limits in tests/serenya/test_flags.py is not a class",
        ),
        (
            "tests/serenya/test_flags.py::TestDerived::test_unit",
            "no test test_unit in tests/serenya/test_flags.py::TestDerived",
        ),
        (
            "tests/serenya/test_broken.py::test_a",
            "tests/serenya/test_broken.py:1: not valid Python: invalid syntax",
        ),
        (
            "acceptance/flags.robot::A Keyword",
            "no test 'A Keyword' in acceptance/flags.robot",
        ),
        (
            "acceptance/missing.robot::Flags A High Value",
            "file acceptance/missing.robot does not exist",
        ),
        ("tests/serenya::test_limits", "tests/serenya is not a file"),
        (
            "../outside/test_x.py::test_y",
            "path ../outside/test_x.py leaves the project root",
        ),
        (
            "tests/../../outside.py::test_y",
            "path tests/../../outside.py leaves the project root",
        ),
        (
            "/etc/passwd::root",
            "path /etc/passwd is absolute (it must be relative to the project root)",
        ),
        (
            "C:\\tests\\test_x.py::test_y",
            "path C:\\tests\\test_x.py is absolute (it must be relative to the project "
            "root)",
        ),
        ("", "no test named (the field is empty)"),
        ("::test_y", "no test named (the field is empty)"),
    ],
)
def test_a_missing_test_gets_a_reason(project: Path, node_id: str, reason: str) -> None:
    assert missing_automated_tests(project, {"VT-001": node_id}) == {"VT-001": reason}


def test_a_symlink_out_of_the_root_leaves_it(
    project: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    outside = tmp_path_factory.mktemp("outside") / "test_x.py"
    outside.write_text("def test_y():\n    pass\n", encoding="utf-8")
    (project / "tests" / "test_link.py").symlink_to(outside)
    assert missing_automated_tests(
        project, {"VT-009": "tests/test_link.py::test_y"}
    ) == {"VT-009": "path tests/test_link.py leaves the project root"}


def test_only_the_missing_items_are_returned(project: Path) -> None:
    declared = {
        "VT-001": "tests/serenya/test_flags.py::test_limits",
        "VT-002": "tests/serenya/test_safety_guard.py::test_withheld",
        "VT-003": "acceptance/flags.robot::Shows The Range",
        "VT-004": "acceptance/flags.robot::Hides The Range",
    }
    assert missing_automated_tests(project, declared) == {
        "VT-002": "file tests/serenya/test_safety_guard.py does not exist",
        "VT-004": "no test 'Hides The Range' in acceptance/flags.robot",
    }


def test_python_files_are_parsed_not_imported(project: Path) -> None:
    marker = project / "imported"
    (project / "tests" / "test_side_effect.py").write_text(
        f"open({str(marker)!r}, 'w').write('x')\n\ndef test_y():\n    pass\n",
        encoding="utf-8",
    )
    assert (
        missing_automated_tests(
            project, {"VT-001": "tests/test_side_effect.py::test_y"}
        )
        == {}
    )
    assert not marker.exists()


def test_each_file_is_read_once(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []
    real_parse = ast.parse

    def counting_parse(source: str | bytes, filename: str = "<unknown>") -> ast.Module:
        calls.append(filename)
        return real_parse(source, filename=filename)

    monkeypatch.setattr(ast, "parse", counting_parse)
    declared = {
        f"VT-{number:03}": f"tests/serenya/test_flags.py::test_{name}"
        for number, name in enumerate(["limits", "param", "absent", "async_limits"])
    }
    missing = missing_automated_tests(project, declared)
    assert list(missing) == ["VT-002"]
    assert calls == ["tests/serenya/test_flags.py"]


def test_a_thousand_items_over_a_hundred_files_are_checked_quickly(
    tmp_path: Path,
) -> None:
    (tmp_path / "tests").mkdir()
    for number in range(100):
        body = "\n".join(f"def test_{case}():\n    pass\n" for case in range(50))
        (tmp_path / "tests" / f"test_{number}.py").write_text(body, encoding="utf-8")
    declared = {
        f"VT-{item}": f"tests/test_{item % 100}.py::test_{item % 60}"
        for item in range(1000)
    }
    started = time.perf_counter()
    missing = missing_automated_tests(tmp_path, declared)
    assert time.perf_counter() - started < 5.0
    assert len(missing) == sum(item % 60 >= 50 for item in range(1000))


def test_a_fifo_test_file_is_a_reason_not_a_hang(project: Path) -> None:
    os.mkfifo(project / "tests" / "serenya" / "test_stuck.py")
    missing = missing_automated_tests(
        project, {"TEST-001": "tests/serenya/test_stuck.py::test_a"}
    )
    assert missing["TEST-001"] == "tests/serenya/test_stuck.py is not a file"
