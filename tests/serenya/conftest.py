"""Make the Serenya core package (``design-controls/serenya_core``) importable."""

from __future__ import annotations

import sys
from pathlib import Path

DESIGN_CONTROLS = Path(__file__).resolve().parents[2] / "design-controls"
if str(DESIGN_CONTROLS) not in sys.path:
    sys.path.insert(0, str(DESIGN_CONTROLS))
