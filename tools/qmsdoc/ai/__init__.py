"""AI-enabled device software functions: performance records, acceptance criteria,
dataset manifests and the metrics files ``qms performance import`` reads.

Core (no click, no Sphinx). The types, fields and links come from the profile's
``[ai]`` table (:class:`qmsdoc.profile.ai.AiConfig`).
"""
