project = "broken"
extensions = ["qmsdoc"]
exclude_patterns = ["_build"]
