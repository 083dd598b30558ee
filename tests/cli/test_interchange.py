"""``qms import`` and ``qms export reqif`` through the command line: Serenya's device
file exported as ReqIF and imported into an empty project gives the same items and
links; bad input is one line, exit 2, nothing written; existing items are never
touched without ``--update``, and hand-written files never."""

from __future__ import annotations

import shutil
from typing import TYPE_CHECKING

import pytest
from openpyxl import Workbook

from qmsdoc.cli import cli, main
from qmsdoc.cli.interchange import export_group, import_group
from qmsdoc.device_file import read_items, read_raw_items
from qmsdoc.history.diff import diff_revisions
from qmsdoc.project import load_project
from qmstest import REPOSITORY, TESTS

if TYPE_CHECKING:
    from pathlib import Path

DATA = TESTS / "data" / "interchange"
SERENYA_SOURCES = ("source", "requirements", "risks", "design-controls")


@pytest.fixture(autouse=True)
def _fixed_time(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")


def test_import_and_export_are_qms_commands() -> None:
    """Registered by the device-file process (qmsdoc.processes), as ``qms`` lists them."""
    context = cli.make_context("qms", ["--help"], resilient_parsing=True)
    assert cli.get_command(context, "import") is import_group
    assert cli.get_command(context, "export") is export_group


def _qms(capsys: pytest.CaptureFixture[str], *args: str | Path) -> tuple[int, str, str]:
    capsys.readouterr()
    try:
        main([str(arg) for arg in args])
        code = 0
    except SystemExit as done:
        code = int(done.code or 0)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def _empty(root: Path) -> Path:
    (root / "items").mkdir(parents=True)
    (root / "qms.toml").write_text(
        'extends = "medical-device"\n\n[project]\nname = "New"\nsources = ["items"]\n',
        encoding="utf-8",
    )
    return root


def _files(root: Path) -> list[str]:
    return sorted(
        p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()
    )


def test_serenya_exported_and_reimported_has_the_same_items_and_links(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    serenya = tmp_path / "serenya"
    for folder in SERENYA_SOURCES:
        shutil.copytree(REPOSITORY / folder, serenya / folder)
    shutil.copy(REPOSITORY / "qms.toml", serenya / "qms.toml")
    exported = tmp_path / "serenya.reqifz"
    code, out, err = _qms(capsys, "--root", serenya, "export", "reqif", exported)
    assert (code, err) == (0, ""), err
    assert out.startswith("qms export reqif: 442 objects, 980 relations -> ")
    first = exported.read_bytes()
    assert _qms(capsys, "--root", serenya, "export", "reqif", exported)[0] == 0
    assert exported.read_bytes() == first  # reproducible

    target = _empty(tmp_path / "new")
    code, out, err = _qms(
        capsys, "--root", target, "import", "reqif", exported, "--out", target / "items"
    )
    assert (code, err) == (0, ""), err
    assert "objects read: 442\nitems written: 442\n" in out
    assert "links written: 980\nskipped: 0\n" in out
    difference = diff_revisions(
        read_raw_items(load_project(serenya)),
        read_raw_items(load_project(target)),
        old="serenya",
        new="imported",
        link_names={link.name for link in load_project(target).profile.links},
    )
    assert [(item.kind, item.item_id) for item in difference.items] == []
    before = {i.id: i for i in read_items(load_project(serenya)) if not i.external}
    after = {i.id: i for i in read_items(load_project(target))}
    assert before.keys() == after.keys()
    for item_id, item in before.items():
        again = after[item_id]
        assert (again.item_type, again.title, again.fields, again.links) == (
            item.item_type, item.title, item.fields, item.links,
        )  # fmt: skip


def test_existing_items_are_refused_and_update_rewrites_only_generated_files(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    root = _empty(tmp_path / "device")
    mapping = DATA / "polarion.toml"
    (root / "items" / "needs.rst").write_text(
        "Needs\n=====\n\n.. user_need:: Written by hand\n   :id: UN-101\n   :status: draft\n",
        encoding="utf-8",
    )
    code, _, err = _qms(
        capsys,
        "--root",
        root,
        "import",
        "reqif",
        DATA / "polarion.reqif",
        "--map",
        mapping,
    )
    assert code == 2
    assert err == (
        f"qms: error: {DATA / 'polarion.reqif'}:56: id 'UN-101' exists already at "
        "items/needs.rst:4; refused (an import never touches hand-written items)\n"
    )
    assert _files(root) == ["items/needs.rst", "qms.toml"]
    (root / "items" / "needs.rst").unlink()

    args = (
        "--root",
        root,
        "import",
        "reqif",
        DATA / "polarion.reqif",
        "--map",
        mapping,
    )
    code, out, err = _qms(capsys, *args)
    assert (code, err) == (0, "")
    assert out.splitlines()[-2:] == [
        "output: items/imported/polarion.rst",
        "output: items/imported/polarion.import-report.txt",
    ]
    written = (root / "items" / "imported" / "polarion.rst").read_text(encoding="utf-8")
    code, _, err = _qms(capsys, *args)
    assert code == 2
    assert (
        "polarion.rst: exists (an earlier import); give --update to rewrite it" in err
    )
    assert _qms(capsys, *args, "--update")[0] == 0
    assert (root / "items" / "imported" / "polarion.rst").read_text(
        encoding="utf-8"
    ) == written

    (root / "items" / "imported" / "polarion.rst").write_text(
        "Requirements\n============\n", encoding="utf-8"
    )
    code, _, err = _qms(capsys, *args, "--update")
    assert code == 2
    assert "polarion.rst: exists and was not written by qms import; refused" in err


def _formula_workbook(path: Path) -> Path:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["ID", "Title"])
    sheet.append(["UN-1", '=UPPER("see results")'])
    workbook.save(path)
    return path


@pytest.mark.parametrize(
    "case", ["reqif-dangling", "xlsx-formula", "reqif-xxe", "bad-map"]
)
def test_bad_input_is_one_line_exit_2_and_nothing_written(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, case: str
) -> None:
    root = _empty(tmp_path / "device")
    text = (DATA / "polarion.reqif").read_text(encoding="utf-8")
    if case == "reqif-dangling":
        bad = tmp_path / "bad.reqif"
        bad.write_text(
            text.replace(
                "<SOURCE><SPEC-OBJECT-REF>SER-102", "<SOURCE><SPEC-OBJECT-REF>SER-9", 1
            ),
            encoding="utf-8",
        )
        args: tuple[str | Path, ...] = ("reqif", bad, "--map", DATA / "polarion.toml")
        expected = f"{bad}:78: dangling relation"
    elif case == "reqif-xxe":
        bad = tmp_path / "bad.reqif"
        bad.write_text(
            text.replace(
                "<REQ-IF ",
                '<!DOCTYPE REQ-IF [<!ENTITY x SYSTEM "file:///etc/hostname">]>\n<REQ-IF ',
                1,
            ),
            encoding="utf-8",
        )
        args = ("reqif", bad)
        expected = f"{bad}: refused: the XML declares a DTD or entities"
    elif case == "xlsx-formula":
        bad = _formula_workbook(tmp_path / "bad.xlsx")
        mapping = tmp_path / "map.toml"
        mapping.write_text(
            '[sheet]\nid = "ID"\ntype = "user_need"\ntitle = "Title"\n',
            encoding="utf-8",
        )
        args = ("xlsx", bad, "--map", mapping)
        expected = f"{bad}: Sheet!B2: formula '=UPPER(\"see results\")'"
    else:
        mapping = tmp_path / "map.toml"
        mapping.write_text('[reqif.links]\nsatisfies = "satisfy"\n', encoding="utf-8")
        args = ("reqif", DATA / "polarion.reqif", "--map", mapping)
        expected = f"{mapping}: [reqif.links.satisfies]: unknown link 'satisfy'"
    code, out, err = _qms(capsys, "--root", root, "import", *args)
    assert code == 2
    assert out == ""
    assert err.startswith(f"qms: error: {expected}")
    assert err.count("\n") == 1
    assert _files(root) == ["qms.toml"]


def test_needs_external_prints_the_lines_and_writes_nothing(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    root = _empty(tmp_path / "device")
    needs = root / "other" / "needs.json"
    needs.parent.mkdir()
    needs.write_text(
        '{"current_version": "1.0", "versions": {"1.0": {"needs": {"UN-7": '
        '{"id": "UN-7", "type": "user_need", "title": "T", "status": "draft"}}}}}',
        encoding="utf-8",
    )
    code, out, err = _qms(
        capsys, "--root", root, "import", "needs", needs, "--external"
    )
    assert (code, err) == (0, "")
    assert 'external_needs = [{ path = "other/needs.json"' in out
    assert _files(root) == ["other/needs.json", "qms.toml"]
