"""The edition report as files: CSV for machines (one figure a row, through the ledger's CSV
writer: ';', UTF-8 with BOM, decimal comma) and XLSX for people (a sheet of figures, a sheet of
waits per step), with the same labels as the page."""

import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import xlsxwriter
from django.http import FileResponse
from django.utils.text import slugify
from django.utils.translation import gettext as _

from risorsa.core.money import quantize
from risorsa.ledger.exports import csv_response, neutralized
from risorsa.reports.selectors import EditionReport

COUNT, MONEY, HOURS, RATE, SCORE, DAYS, DAY, TEXT = (
    "count",
    "money",
    "hours",
    "rate",
    "score",
    "days",
    "day",
    "text",
)
XLSX_FORMATS = {
    MONEY: "#,##0.00",
    HOURS: "#,##0.00",
    RATE: "0.0%",
    SCORE: "0.00",
    DAY: "dd/mm/yyyy",
}


@dataclass(frozen=True)
class Figure:
    label: str
    value: int | Decimal | date | str | None
    kind: str


def edition_figures(report: EditionReport) -> list[Figure]:
    """The report's figures in the page's order: the seed's table first, then the rest."""
    return [
        Figure(_("Edizione"), report.edition.name, TEXT),
        Figure(_("Dati al"), report.as_of, DAY),
        Figure(_("Persone coinvolte"), report.people, COUNT),
        Figure(_("Uomini"), report.men, COUNT),
        Figure(_("Donne"), report.women, COUNT),
        Figure(_("Italiani"), report.italian, COUNT),
        Figure(_("Stranieri"), report.foreign, COUNT),
        Figure(_("Morosità complessiva (€)"), report.arrears, MONEY),
        Figure(_("Ore lavorate (approvate)"), report.hours, HOURS),
        Figure(_("Accreditato (€)"), report.credited, MONEY),
        Figure(_("Accrediti applicati dal gestore (€)"), report.credits_applied, MONEY),
        Figure(_("Percorsi conclusi"), report.ended, COUNT),
        Figure(_("Percorsi completati"), report.completed, COUNT),
        Figure(_("Tasso di completamento"), report.completion_rate, RATE),
        Figure(_("Soddisfazione media (1-5)"), report.satisfaction, SCORE),
        Figure(_("Questionari di soddisfazione"), report.satisfaction_answers, COUNT),
        Figure(_("Contratti sociali firmati"), report.contracts_signed, COUNT),
        Figure(_("Persone che hanno cominciato il lavoro"), report.started_work, COUNT),
        Figure(_("Giorni dal contratto al lavoro, mediana"), report.days_to_work_median, DAYS),
        Figure(_("Giorni dal contratto al lavoro, 90° percentile"), report.days_to_work_p90, DAYS),
        Figure(_("Contratti firmati, lavoro non ancora cominciato"), report.signed_not_started, COUNT),
        Figure(_("Attesa più lunga del primo giorno di lavoro (giorni)"), report.longest_wait_for_work, DAYS),
    ]


def _wait_columns() -> list[str]:
    return [
        _("Passaggio"),
        _("In carico a"),
        _("Scadenze"),
        _("Ancora aperte"),
        _("Giorni di attesa, mediana"),
        _("Giorni di attesa, 90° percentile"),
        _("In ritardo"),
    ]


def _wait_rows(report: EditionReport) -> Iterator[list]:
    for wait in (*report.waits, *report.waits_by_organization):
        yield [
            wait.step_label or _("Tutti i passaggi"),
            wait.owner_name,
            wait.deadlines,
            wait.still_open,
            wait.median_days,
            wait.p90_days,
            wait.late,
        ]


def _file_name(report: EditionReport, extension: str) -> str:
    return f"rapporto-edizione-{slugify(report.edition.name.replace('/', '-'))}.{extension}"


def _csv_value(figure: Figure):
    if figure.kind == RATE and isinstance(figure.value, Decimal):
        return quantize(figure.value * 100)  # a percentage, for a machine as for a person
    return figure.value


def edition_csv(report: EditionReport):
    """One figure a row (section, step, organization, figure, value): the table, then the waits."""
    header = [_("sezione"), _("passaggio"), _("in carico a"), _("voce"), _("valore")]
    section = _("Edizione")
    rows: list[Sequence] = []
    for figure in edition_figures(report):
        label = f"{figure.label} (%)" if figure.kind == RATE else figure.label
        rows.append([section, "", "", label, _csv_value(figure)])
    waits = _("Attese per passaggio")
    measures = _wait_columns()[2:]
    for step, owner, *values in _wait_rows(report):
        for label, value in zip(measures, values, strict=True):
            rows.append([waits, step, owner, label, value])
    return csv_response(_file_name(report, "csv"), header, rows)


def edition_xlsx(report: EditionReport):
    """Sheet "Edizione": the figures, each with its number format; sheet "Attese per passaggio":
    the waits per step and organization, then per organization over all steps."""
    spool = tempfile.NamedTemporaryFile(suffix=".xlsx")  # noqa: SIM115 - closed by the response
    workbook = xlsxwriter.Workbook(
        spool.name,
        {"strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False},
    )
    bold = workbook.add_format({"bold": True})
    formats = {kind: workbook.add_format({"num_format": pattern}) for kind, pattern in XLSX_FORMATS.items()}

    figures = workbook.add_worksheet(_("Edizione")[:31])
    figures.set_column(0, 0, 52)
    figures.set_column(1, 1, 16)
    figures.write_string(0, 0, _("Voce"), bold)
    figures.write_string(0, 1, _("Valore"), bold)
    for row, figure in enumerate(edition_figures(report), start=1):
        figures.write_string(row, 0, neutralized(figure.label))
        value = figure.value
        if value is None:
            figures.write_blank(row, 1, None)
        elif isinstance(value, date):
            figures.write_datetime(row, 1, value, formats[DAY])
        elif isinstance(value, Decimal | int):
            figures.write_number(row, 1, value, formats.get(figure.kind))
        else:
            figures.write_string(row, 1, neutralized(str(value)))

    waits = workbook.add_worksheet(_("Attese per passaggio")[:31])
    waits.set_column(0, 1, 40)
    waits.set_column(2, 6, 14)
    for column, title in enumerate(_wait_columns()):
        waits.write_string(0, column, title, bold)
    for row, values in enumerate(_wait_rows(report), start=1):
        waits.write_string(row, 0, neutralized(values[0]))
        waits.write_string(row, 1, neutralized(values[1]))
        for column, number in enumerate(values[2:], start=2):
            waits.write_number(row, column, number)

    workbook.close()
    spool.seek(0)
    return FileResponse(
        spool,
        as_attachment=True,
        filename=_file_name(report, "xlsx"),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
