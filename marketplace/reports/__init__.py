"""The programme's performance report (mid-term review): targets per programme and period, compared with the
dashboard's figures for the same range, as a page, a PDF (WeasyPrint) and an Excel workbook (openpyxl).

models.py    a plan (programme name and period) and its targets, one per metric
metrics.py   the metrics a target can be set on: unit, direction, and where the dashboard keeps the actual value
services.py  create a plan (checked) and compute its report: actual, target, progress, status per metric
exports.py   the report as PDF and XLSX, labels in Chinese and English side by side
api.py, views.py   REST endpoints and operator pages
See docs/reports.md.
"""
