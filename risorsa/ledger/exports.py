"""Tabular exports (CSV for machines, XLSX for people): streamed, memory flat, and never live.

Every export of the project goes through these two functions. A text cell that a spreadsheet
would run as a formula (CSV injection: a surname `=HYPERLINK(...)` in a utility's file) is
neutralised with a leading apostrophe, and the XLSX writes text as text, never as a formula,
a link or a number.
"""

import csv
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from decimal import Decimal

import xlsxwriter
from django.http import FileResponse, StreamingHttpResponse

from risorsa.core.money import quantize

# What a spreadsheet takes for the start of a formula, and the full-width forms some normalise.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")


def neutralized(text: str) -> str:
    """A text cell as data: a leading apostrophe before anything a spreadsheet would run."""
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


class _Echo:
    def write(self, value: str) -> str:
        return value


def _cell(value):
    if isinstance(value, Decimal | float):
        return f"{quantize(value):.2f}".replace(".", ",")
    if hasattr(value, "strftime"):
        return value.strftime("%d/%m/%Y")
    if value is None:
        return ""
    return value if isinstance(value, int) else neutralized(str(value))


def csv_response(filename: str, header: Sequence[str], rows: Iterable[Sequence], *, delimiter: str = ";"):
    """A CSV in the Italian Excel dialect (';', decimal comma), streamed row by row."""
    writer = csv.writer(_Echo(), delimiter=delimiter)

    def lines() -> Iterator[str]:
        yield "\ufeff" + writer.writerow([neutralized(str(title)) for title in header])
        for row in rows:
            yield writer.writerow([_cell(value) for value in row])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def xlsx_response(filename: str, sheet: str, header: Sequence[str], rows: Iterable[Sequence]):
    """An XLSX written in constant memory to a temporary file, amounts as numbers with two decimals."""
    spool = tempfile.NamedTemporaryFile(suffix=".xlsx")  # noqa: SIM115 - closed by the response
    workbook = xlsxwriter.Workbook(
        spool.name,
        {
            "constant_memory": True,
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "strings_to_numbers": False,
        },
    )
    worksheet = workbook.add_worksheet(sheet[:31])
    bold = workbook.add_format({"bold": True})
    money = workbook.add_format({"num_format": "#,##0.00"})
    day = workbook.add_format({"num_format": "dd/mm/yyyy"})
    for column, title in enumerate(header):
        worksheet.write_string(0, column, neutralized(str(title)), bold)
    for index, row in enumerate(rows, start=1):
        for column, value in enumerate(row):
            if isinstance(value, Decimal | float):
                worksheet.write_number(index, column, quantize(value), money)  # Decimal, written exactly
            elif hasattr(value, "strftime"):
                worksheet.write_datetime(index, column, value, day)
            elif value is None:
                worksheet.write_blank(index, column, None)
            elif isinstance(value, int):
                worksheet.write_number(index, column, value)
            else:
                worksheet.write_string(index, column, neutralized(str(value)))
    workbook.close()
    spool.seek(0)
    return FileResponse(
        spool,
        as_attachment=True,
        filename=filename,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
