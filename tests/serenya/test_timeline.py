"""VT-121: collection date shown, results older than 90 days labelled as old."""

from __future__ import annotations

from datetime import date

import pytest

from serenya_core.critical import evaluate_critical
from serenya_core.model import Analyte, Flag, LabResult
from serenya_core.timeline import critical_alert_title, latest, timeline

TODAY = date(2026, 6, 1)


@pytest.mark.verifies("REQ-074", "RC-014")
def test_old_result_label_at_90_days() -> None:
    cases = [
        (date(2026, 3, 4), 89, "4 March 2026", None),
        (date(2026, 3, 3), 90, "3 March 2026", None),
        (date(2026, 3, 2), 91, "2 March 2026", "Old result - collected 2 March 2026"),
    ]
    for collected, age, shown_date, label in cases:
        assert (TODAY - collected).days == age
        hba1c = LabResult(Analyte.HBA1C, 6.1, "%", collected)  # the user's only result
        (entry,) = timeline([hba1c], TODAY)
        assert entry.date_text == shown_date
        assert entry.old_label == label
        shown_as_latest = latest([hba1c], Analyte.HBA1C, TODAY)
        assert shown_as_latest == (hba1c if label is None else None)

    potassium = LabResult(Analyte.POTASSIUM, 6.4, "mmol/L", date(2024, 5, 28))
    assert evaluate_critical(potassium.analyte, potassium.value) is Flag.CRITICAL_HIGH
    title = critical_alert_title(potassium.collection_date, TODAY)
    assert title == "Result from 28 May 2024 - 734 days old"
