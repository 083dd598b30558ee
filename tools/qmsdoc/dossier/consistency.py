"""Consistency of the file's regulatory claims with each other and with the risk file.

The project states its classification in ``[project.classification]``; these checks
compare it with the pathway being assembled and with the computed risk:

* the device class fits the pathway (a 510(k) for a Class I device is flagged, since
  most Class I devices are exempt; a De Novo is for devices of low to moderate risk;
  an MDR pathway needs an MDR class and the IVDR one an IVDR class);
* the FDA documentation level is Enhanced when a hazardous situation with a probable
  risk of death or serious injury exists before risk control (FDA guidance of 2023);
* the IEC 62304 safety class is not lower than the worst harm allows (4.3), unless
  the class rests on external risk controls stated in the classification rationale.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Sequence

    from qmsdoc.project import Classification
    from qmsdoc.risk.estimate import RiskEstimate

__all__ = ["consistency_problems"]

_MDR_CLASSES = ("I", "IIa", "IIb", "III")
_IVDR_CLASSES = ("A", "B", "C", "D")
#: severity at or above which a harm counts as serious injury or death
_SERIOUS = 4
#: probability level counted as "probable" before risk control
_PROBABLE = 4


def consistency_problems(
    classification: Classification, pathway: str, risks: Sequence[RiskEstimate]
) -> list[str]:
    """What in the file's claims disagrees, for one pathway (empty when consistent)."""
    problems = []
    problems += _pathway_problems(classification, pathway)
    serious_probable = [
        e.situation.id
        for e in risks
        if e.initial is not None
        and e.initial.severity >= _SERIOUS
        and e.initial.probability >= _PROBABLE
    ]
    if (
        pathway.startswith("fda-")
        and serious_probable
        and classification.documentation_level != "enhanced"
    ):
        problems.append(
            f"documentation level is {classification.documentation_level or 'not stated'}, but "
            f"{', '.join(serious_probable[:5])} carry a probable risk of death or serious injury "
            "before risk control: Enhanced is expected (FDA software guidance, 2023)"
        )
    worst = max((e.initial.severity for e in risks if e.initial is not None), default=0)
    safety_class = classification.software_safety_class
    if safety_class is None:
        problems.append("the IEC 62304 software safety class is not stated")
    elif (
        worst >= _SERIOUS
        and safety_class != "C"
        and not classification.external_controls
    ):
        problems.append(
            f"software safety class {safety_class} while harms of severity {worst} can follow a "
            "software failure: class C unless external risk controls are stated (IEC 62304 4.3)"
        )
    return problems


def _pathway_problems(classification: Classification, pathway: str) -> list[str]:
    us_class, eu_class = classification.us_class, classification.eu_class
    problems = []
    if pathway.startswith("fda-") and us_class is None:
        problems.append("the FDA device class is not stated")
    if pathway == "fda-510k" and us_class == "I":
        problems.append(
            "a 510(k) for a Class I device: most Class I devices are exempt; confirm it is not"
        )
    if pathway == "fda-denovo" and us_class == "III":
        problems.append("a De Novo request is for Class I or II devices, not Class III")
    if pathway == "eu-mdr" and (
        classification.eu_regulation != "MDR" or eu_class not in _MDR_CLASSES
    ):
        problems.append(
            f"the MDR pathway needs an MDR class; the file states {classification.eu_regulation} {eu_class}"
        )
    if pathway == "eu-ivdr" and (
        classification.eu_regulation != "IVDR" or eu_class not in _IVDR_CLASSES
    ):
        problems.append(
            f"the IVDR pathway needs an IVDR class; the file states {classification.eu_regulation} {eu_class}"
        )
    return problems
