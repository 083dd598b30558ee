project = "imported"
extensions = ["qmsdoc"]
exclude_patterns = ["_build"]
