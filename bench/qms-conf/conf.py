"""Sphinx configuration of the benchmark's qmsdoc builds (``sphinx-build -c bench/qms-conf``).

The source folder is a corpus of ``../shared/gen_corpus.py`` (sphinx-needs format),
read as is. The project, theme and exclusions are those of the corpus's own conf.py;
item types, fields and links are not configured here: qmsdoc declares them to
sphinx-needs from the profile ``bench/corpus-profile.toml``.
"""

from __future__ import annotations

from pathlib import Path

project = "Synthetic QMS"
author = "bench"
extensions = ["qmsdoc"]
exclude_patterns = ["_build"]
html_theme = "alabaster"

# absolute, so that it does not depend on the folder sphinx-build is started from
qms_project_file = str(Path(__file__).resolve().parents[1] / "corpus-profile.toml")
