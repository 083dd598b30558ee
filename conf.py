"""Sphinx configuration of the Serenya design history file, built with qmsdoc.

Item types, fields and links are not configured here: they come from the profile
named in qms.toml (the qmsdoc extension declares them to sphinx-needs).
"""

from __future__ import annotations

import os
import time

project = "Serenya"
author = "Serenya Health"
# Reproducible builds: the copyright year follows SOURCE_DATE_EPOCH when it is set.
copyright = f"{time.gmtime(int(os.environ.get('SOURCE_DATE_EPOCH', time.time()))).tm_year}, {author}"  # noqa: A001
release = "1.0"

extensions = ["qmsdoc"]
root_doc = "index"
exclude_patterns = [
    "_build",
    ".venv",
    ".venv-lowest",
    ".git",
    ".ci",
    "tests",
    "bench",
    "tools",
    "traceability",
    "README.md",
    "**/serenya_core/**",
]
html_theme = "alabaster"
html_title = "Serenya design history file"
html_last_updated_fmt = None
html_show_sourcelink = False

qms_project_file = "qms.toml"
