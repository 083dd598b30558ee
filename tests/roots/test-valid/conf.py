project = "valid"
extensions = ["qmsdoc"]
exclude_patterns = ["_build"]
