"""Exports of the device file: the traceability workbook (:mod:`qmsdoc.export.xlsx`),
the PDF (:mod:`~qmsdoc.export.pdf`), Jinja2 rendering (:mod:`~qmsdoc.export.rendering`).

The package imports none of them: the Sphinx extension uses the rendering modules
only, and importing the workbook writer would load openpyxl and lxml into every
build (about 9 MiB and a part of each build's start-up).
"""
