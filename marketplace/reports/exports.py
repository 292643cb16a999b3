"""The report as a PDF (WeasyPrint renders templates/reports/report_pdf.html) and as an Excel workbook (openpyxl),
both with Chinese and English labels side by side. Money is printed in yuan; in the workbook every figure is a
number with a number format, so a reviewer can compute with it."""

from __future__ import annotations

import io

from flask import render_template
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from marketplace.reports.wording import labels_of, value_text

NUMBER_FORMAT = {"count": "#,##0", "fen": "#,##0.00", "ratio": "0.0%", "days": "0.00"}


def pdf(data: dict, cluster_name: str) -> bytes:
    import weasyprint  # imported on use: it loads Pango, which only the report needs

    html = render_template("reports/report_pdf.html", report=data, cluster_name=cluster_name, t=labels_of(data),
                           value_text=value_text)
    return weasyprint.HTML(string=html).write_pdf()


def _cell_value(unit: str, value):
    """Money in yuan (the workbook's unit), the rest as they are."""
    if value is None:
        return None
    return round(value / 100, 2) if unit == "fen" else value


def _pair(labels: dict) -> str:
    return f"{labels['zh_Hans_CN']} / {labels['en']}"


def xlsx(data: dict, cluster_name: str) -> bytes:
    t = labels_of(data)
    h = t["headings"]
    book = Workbook()
    sheet = book.active
    sheet.title = "Report"
    sheet.append([_pair(h["title"])])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append([_pair(h["cluster"]), cluster_name])
    sheet.append([_pair(h["period"]), data["period_start"], data["period_end"]])
    sheet.append([_pair(h["as_of"]), data["as_of"]])
    sheet.append([_pair(h["counted_days"]), data["period_start"], data["through"]])
    sheet.append([_pair(h["elapsed"]), data["elapsed_share"]])
    sheet["B6"].number_format = "0.0%"
    for row in sheet.iter_rows(min_row=3, max_row=5, min_col=2, max_col=3):
        for cell in row:
            cell.number_format = "yyyy-mm-dd"
    sheet.append([])
    columns = ("metric", "target", "actual", "progress", "expected", "status", "counted")
    sheet.append([_pair(h[c]) for c in columns])
    header_row = sheet.max_row
    for cell in sheet[header_row]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDE7F0")
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for row in data["rows"]:
        unit = row["unit"]
        sheet.append([_pair(t["metrics"][row["metric"]]), _cell_value(unit, row["target"]),
                      _cell_value(unit, row["actual"]), row["progress"], _cell_value(unit, row["expected"]),
                      _pair(t["status"][row["status"]]), _pair(t["definitions"][row["metric"]])])
        cells = sheet[sheet.max_row]
        for cell in (cells[1], cells[2], cells[4]):
            cell.number_format = NUMBER_FORMAT[unit]
        cells[3].number_format = "0.0%"
        cells[6].alignment = Alignment(wrap_text=True, vertical="top")
    sheet.append([])
    sheet.append([_pair(h["source"])])
    for index, width in enumerate((44, 16, 16, 12, 16, 22, 70), start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = sheet.cell(row=header_row + 1, column=2)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
