"""Serenya core: the deterministic interpretation logic of the Serenya device file.

The package holds the unit normalisation engine (:mod:`serenya_core.units`), the
reference range service (:mod:`serenya_core.reference_ranges`), the critical-value
evaluation (:mod:`serenya_core.critical`), the flagging engine
(:mod:`serenya_core.flagging`), the lab value parser (:mod:`serenya_core.parser`) and
the timeline rules (:mod:`serenya_core.timeline`). It implements the risk control
requirements that the automated verification tests of
``design-controls/verification-risk-controls.rst`` exercise.

This module deliberately imports none of its submodules, so that importing
:mod:`serenya_core.critical` loads nothing of the reference range service.
"""

from __future__ import annotations

__all__: list[str] = []
