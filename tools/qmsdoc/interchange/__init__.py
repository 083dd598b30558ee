"""Import from the tools teams leave, and export for the tools that read ReqIF.

``qms import reqif|xlsx|needs`` turn a ReqIF file (DOORS, Polarion, Jama, ...), a
spreadsheet or another sphinx-needs project's needs.json into reviewable item files
of this device file, with a mapping file from the other tool's names to the
profile's, and a report of what was read, written and left out; ``qms export
reqif`` writes the whole device file as ReqIF. The readers are
:mod:`~qmsdoc.interchange.reqif_format` (the only importer of ``reqif``),
:mod:`~qmsdoc.interchange.spreadsheet` and :mod:`~qmsdoc.interchange.needs_import`;
:mod:`~qmsdoc.interchange.importer` checks and writes what they read.
"""
