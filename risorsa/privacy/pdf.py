"""Everything about one person as a PDF for the data subject (Italian, A4), written with fpdf2."""

from typing import Any

from django.db import models
from django.utils import timezone

from risorsa.core.pdf import new_document
from risorsa.privacy.selectors import Section
from risorsa.registry.models import Person


def _labels(model: type[models.Model]) -> dict[str, tuple[str, dict]]:
    """Column name -> (Italian label, choices) of a model."""
    labels = {}
    for field in model._meta.concrete_fields:
        name = field.attname if field.is_relation else field.name
        labels[name] = (str(field.verbose_name), dict(field.flatchoices) if field.choices else {})
    return labels


def _shown(value: Any, choices: dict) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return "sì" if value else "no"
    if isinstance(value, dict | list):
        return str(value) if value else "—"
    return str(choices.get(value, value))


def subject_pdf(person: Person, sections: list[Section]) -> bytes:
    """One heading per section, one block of "label: value" lines per row; empty sections say so."""
    pdf = new_document(
        title=f"Dati personali {person.codice_fiscale}", heading="Dati personali trattati da Risorsa"
    )
    pdf.multi_cell(
        0,
        6,
        f"Interessato: {person.surname} {person.name} — codice fiscale {person.codice_fiscale}. "
        "Accesso ai dati ai sensi dell'art. 15 del Regolamento (UE) 2016/679: ogni dato conservato, "
        "sezione per sezione. Per la rettifica rivolgersi ai Servizi Sociali del Comune.",
        new_x="LMARGIN",
        new_y="NEXT",
    )
    for section in sections:
        pdf.ln(3)
        pdf.set_font("Titillium", "B", 13)
        pdf.multi_cell(0, 8, f"{section.title} ({len(section.rows)})", new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("Titillium", "", 9)
        if not section.rows:
            pdf.cell(0, 6, "Nessun dato.", new_x="LMARGIN", new_y="NEXT")
            continue
        labels = _labels(section.model)
        for values in section.rows:
            parts = []
            for name, value in values.items():
                label, choices = labels.get(name, (name, {}))
                parts.append(f"{label}: {_shown(value, choices)}")
            pdf.multi_cell(0, 5, " · ".join(parts), new_x="LMARGIN", new_y="NEXT")
            pdf.ln(1)
    pdf.ln(6)
    pdf.set_font("Titillium", "", 8)
    pdf.cell(0, 6, f"Estratto il {timezone.localtime():%d/%m/%Y %H:%M} da Risorsa.")
    return bytes(pdf.output())
