"""Fill Serenya's manual test protocol workbook as a tester would: the illustrative
execution records of the fictional reference device.

Serenya is a fictional device: no person executed its manual tests. This script
shows how its committed manual execution records were made, through the engine's
real round trip::

    .venv/bin/python tools/serenya/fill_protocols.py --list-manual > /tmp/manual.txt
    .venv/bin/qms evidence protocol $(cat /tmp/manual.txt) -o /tmp/protocol.xlsx
    .venv/bin/python tools/serenya/fill_protocols.py /tmp/protocol.xlsx -o /tmp/filled.xlsx
    .venv/bin/qms evidence import /tmp/filled.xlsx --illustrative

Manual tests are the ``verification_test`` items of ``design-controls/verification-*.rst``
without an ``automated_test`` field. Each sheet is filled with:

- version under test: the commit the items were executed against (b7df4f2; VT-103,
  which became a manual test in 4d1a8d0, at that commit), build text to match;
- environment: the reference devices or staging system the test names, else the page
  default (reference devices and staging regions of the system test page);
- executor: a role, marked illustrative (no real person);
- executed at: deterministic, ordered by test id, 35 minutes apart on weekdays from
  2026-11-25T08:00:00Z, within 08:00-16:45 UTC (VT-103 after its commit);
- every step "pass" with "As expected."; the last (verification) row restates the
  item's acceptance criterion as met, with no figure of its own;
- verdict "passed", deviations "None.", no attachments.

This script is device-file tooling outside the qmsdoc package, so it imports openpyxl
itself (inside the package only ``qmsdoc.export.xlsx`` does). It reads the layout
constants from ``qmsdoc.evidence.protocol`` so that it fills the cells the importer
reads.
"""

from __future__ import annotations

import argparse
import re
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import openpyxl

from qmsdoc.evidence.protocol import FIELD_CELLS, FIRST_STEP_ROW, STEP_COLUMNS

ROOT = Path(__file__).resolve().parents[2]

VERSION = "b7df4f2a625857bf45a97415357c4d145fed078b"
BUILD = "Serenya 1.0.0-rc.1 (build 1000, illustrative)"
#: tests whose item changed after b7df4f2: executed at the commit that changed them
LATER: dict[str, tuple[str, str, str]] = {
    # VT-103 lost its automated_test (now a manual system test) in 4d1a8d0
    "VT-103": (
        "4d1a8d05550c919a93c7bd1fe1ba94de4cf2fa7f",
        "Serenya 1.0.0-rc.1 (build 1001, illustrative)",
        "2026-12-03T09:50:00Z",
    ),
}
EXECUTOR = "Verification engineer (illustrative record; no real person)"
FIRST_SLOT = datetime(2026, 11, 25, 8, 0, tzinfo=UTC)
SPACING = timedelta(minutes=35)
LAST_START = (16, 45)

API = "API build 1.0.0-rc.1"
STAGING_EU = f"staging EU, {API}"
STAGING_BOTH = f"staging EU and staging US, {API}"
REFERENCE_DEVICES = (
    "iPhone 12, iOS 16.7; iPhone 15, iOS 18.1; Google Pixel 5, Android 11; "
    "Samsung Galaxy S23, Android 14"
)
#: one iOS and one Android reference device, for app tests that name none
TWO_DEVICES = "iPhone 15, iOS 18.1; Samsung Galaxy S23, Android 14"
BENCH = (
    "Test bench: release candidate backend services with the TF fixtures and "
    "reference data 2026.1 (Linux x86_64)"
)
#: device names in a test's text -> the device as written in the environment
DEVICES = (
    ("iPhone 12", "iPhone 12, iOS 16.7"),
    ("iPhone 15", "iPhone 15, iOS 18.1"),
    ("Pixel 5", "Google Pixel 5, Android 11"),
    ("Pixel 7", "Google Pixel 7"),
    ("Galaxy S23", "Samsung Galaxy S23, Android 14"),
)
#: tests whose environment the rules below would not say well
ENVIRONMENTS: dict[str, str] = {
    "VT-010": f"App binaries (iOS and Android) of the release candidate; {STAGING_BOTH}",
    "VT-011": (
        f"{REFERENCE_DEVICES}; rooted and jailbroken test devices; {STAGING_BOTH}"
    ),
    "VT-013": f"iPhone 15, iOS 18.1; Samsung Galaxy S23, Android 14; {STAGING_EU}",
    "VT-002": STAGING_EU,
    "VT-003": STAGING_EU,
    "VT-020": STAGING_BOTH,
    "VT-022": f"Load-generator clients; {STAGING_BOTH}",
    "VT-024": (
        "iOS 16.7, 17.5, 18.1 and Android 11, 12, 13, 14, 15 phones; iOS 15.8 and "
        f"Android 10 devices for the refused installs; {STAGING_EU}"
    ),
    "VT-062": f"iPhone 15, iOS 18.1; Samsung Galaxy S23, Android 14; {STAGING_EU}",
    "VT-063": f"{TWO_DEVICES}; {STAGING_EU}",
    "VT-067": f"Rooted and jailbroken test devices (iOS and Android); {STAGING_EU}",
    "VT-110": (
        "Reference devices on iOS 17, iOS 18.1, Android 12 and Android 15; "
        f"{STAGING_EU}"
    ),
    "VT-125": f"iPhone 15, iOS 18.1 (VoiceOver); Android 15 device (TalkBack); {STAGING_EU}",
}
#: app tests whose procedure does not name the app
APP_TESTS = frozenset(
    (
        "VT-029",
        "VT-035",
        "VT-036",
        "VT-037",
        "VT-042",
        "VT-046",
        "VT-053",
        "VT-058",
        "VT-124",
    )
)
#: words of a test that runs in the app (not only against the backend)
APP_WORDS = re.compile(
    r"\b(app|screen|tap|device|review screen|notification|camera|biometric|"
    r"Face ID|passkey|VoiceOver|TalkBack|airplane|summary|reminder)\b",
    re.IGNORECASE,
)
#: words of a test that runs in both staging regions
BOTH_REGIONS = re.compile(r"each staging region|US account|US region|one US", re.I)


def manual_test_ids() -> list[str]:
    """The manual verification tests: no ``automated_test`` field."""
    from qmsdoc.device_file import read_raw_items  # noqa: PLC0415
    from qmsdoc.project import load_project  # noqa: PLC0415

    project = load_project(ROOT)
    ids = [
        (raw.option("id") or "").strip()
        for raw in read_raw_items(project)
        if raw.directive == "verification_test"
        and Path(str(raw.location).split(":")[0]).name.startswith("verification-")
        and not (raw.option("automated_test") or "").strip()
    ]
    return sorted(ids, key=_order)


def _order(test_id: str) -> tuple[str, int]:
    prefix, _, number = test_id.rpartition("-")
    return prefix, int(number) if number.isdigit() else 0


def environment(test_id: str, text: str) -> str:
    """The environment of a test, from what its protocol says."""
    if test_id in ENVIRONMENTS:
        return ENVIRONMENTS[test_id]
    staging = STAGING_BOTH if BOTH_REGIONS.search(text) else STAGING_EU
    named = [device for name, device in DEVICES if name in text]
    if named:
        return "; ".join([*named, staging])
    number = int(test_id.rpartition("-")[2])
    if number <= 24:
        # system test page: "unless a test states otherwise" all reference devices
        return f"{REFERENCE_DEVICES}; {STAGING_BOTH}"
    if test_id in APP_TESTS or APP_WORDS.search(text):
        return f"{TWO_DEVICES}; {staging}"
    return staging


def schedule(test_ids: list[str]) -> dict[str, str]:
    """Executed-at of each test: by test id, 35 minutes apart, weekdays, 08:00-16:45."""
    times: dict[str, str] = {}
    slot = FIRST_SLOT
    for test_id in sorted(test_ids, key=_order):
        if test_id in LATER:
            times[test_id] = LATER[test_id][2]
            continue
        while slot.weekday() >= 5 or (slot.hour, slot.minute) > LAST_START:
            slot = (slot + timedelta(days=1)).replace(hour=8, minute=0)
        times[test_id] = slot.strftime("%Y-%m-%dT%H:%M:%SZ")
        slot += SPACING
    return times


def fill(source: Path, target: Path, bench_ids: set[str]) -> int:
    """Fill every protocol sheet of ``source`` into ``target``; the number of sheets."""
    book = openpyxl.load_workbook(source)
    tests = {sheet.title: sheet for sheet in book.worksheets}
    times = schedule(list(tests))
    action, actual, verdict = (
        STEP_COLUMNS[key][0] for key in ("action", "actual", "verdict")
    )
    number_column = STEP_COLUMNS["number"][0]
    for test_id, sheet in tests.items():
        if str(sheet[FIELD_CELLS["test"]].value or "").strip() != test_id:
            raise SystemExit(f"{source}: sheet {test_id} is not a protocol sheet")
        rows = []
        row = FIRST_STEP_ROW
        while str(sheet[f"{number_column}{row}"].value or "").strip():
            rows.append(row)
            row += 1
        text = (
            " ".join(
                str(sheet[cell].value or "")
                for cell in (FIELD_CELLS["title"], FIELD_CELLS["preamble"])
            )
            + " "
            + " ".join(str(sheet[f"{action}{r}"].value or "") for r in rows)
        )
        version, build = (LATER[test_id][:2]) if test_id in LATER else (VERSION, BUILD)
        acceptance = str(sheet[FIELD_CELLS["acceptance"]].value or "").strip()
        values = {
            "version": version,
            "build": build,
            "environment": BENCH
            if test_id in bench_ids and not any(n in text for n, _ in DEVICES)
            else environment(test_id, text),
            "executor": EXECUTOR,
            "executed_at": times[test_id],
            "verdict": "passed",
            "deviations": "None.",
        }
        for key, value in values.items():
            sheet[FIELD_CELLS[key]] = value
        for r in rows:
            sheet[f"{actual}{r}"] = "As expected."
            sheet[f"{verdict}{r}"] = "pass"
        met = (
            f"As expected. Acceptance criterion met: {acceptance}"
            if acceptance
            else "As expected. The outcome matches the expected result."
        )
        sheet[f"{actual}{rows[-1]}"] = met
    book.save(target)
    return len(tests)


def unit_level_ids() -> set[str]:
    """Manual tests at unit level: run on the test bench, not on a device."""
    from qmsdoc.device_file import read_raw_items  # noqa: PLC0415
    from qmsdoc.project import load_project  # noqa: PLC0415

    return {
        (raw.option("id") or "").strip()
        for raw in read_raw_items(load_project(ROOT))
        if raw.directive == "verification_test"
        and (raw.option("test_level") or "").strip() == "unit"
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("workbook", nargs="?", type=Path)
    parser.add_argument("-o", "--output", type=Path)
    parser.add_argument(
        "--list-manual", action="store_true", help="print the manual test ids"
    )
    parser.add_argument(
        "--show", action="store_true", help="print id, executed at, environment"
    )
    args = parser.parse_args(argv)
    if args.list_manual:
        sys.stdout.write(" ".join(manual_test_ids()) + "\n")
        return 0
    if args.workbook is None or args.output is None:
        parser.error("give a protocol workbook and -o OUTPUT")
    count = fill(args.workbook, args.output, unit_level_ids())
    if args.show:
        filled = openpyxl.load_workbook(args.output)
        for sheet in filled.worksheets:
            executed_at = sheet[FIELD_CELLS["executed_at"]].value
            place = sheet[FIELD_CELLS["environment"]].value
            sys.stdout.write(f"{sheet.title} {executed_at} | {place}\n")
    sys.stderr.write(f"filled {count} protocol sheets -> {args.output}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
