"""Serenya core: the deterministic interpretation logic of the Serenya device file.

The package holds the unit normalisation engine (:mod:`serenya_core.units`), the
reference range service (:mod:`serenya_core.reference_ranges`), the critical-value
evaluation (:mod:`serenya_core.critical`), the flagging engine
(:mod:`serenya_core.flagging`), the lab value parser (:mod:`serenya_core.parser`), the
printed range notations (:mod:`serenya_core.notation`), the timeline rules
(:mod:`serenya_core.timeline`), the rule-based explanation safety guard
(:mod:`serenya_core.guard`) and the pipeline that chains them for one confirmed report
(:mod:`serenya_core.pipeline`). It implements the software and risk control
requirements that the automated tests named in the ``automated_test`` fields of
``design-controls/verification-*.rst`` exercise. No language model is called: the
guard's tests run on recorded, illustrative explanation texts.

This module deliberately imports none of its submodules, so that importing
:mod:`serenya_core.critical` loads nothing of the reference range service.
"""

from __future__ import annotations

__all__: list[str] = []
