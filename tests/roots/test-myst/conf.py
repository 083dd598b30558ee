project = "myst"
extensions = ["myst_parser", "qmsdoc"]
exclude_patterns = ["_build"]
myst_enable_extensions = ["colon_fence"]
