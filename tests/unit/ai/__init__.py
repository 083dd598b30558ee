"""Unit tests of the AI records, criteria, manifests, metrics files and checks."""
