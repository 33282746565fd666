"""The data subject's copy of their data (GDPR art. 15): JSON for machines, PDF for people."""

import json

from django.core.serializers.json import DjangoJSONEncoder

from risorsa.privacy.pdf import subject_pdf
from risorsa.privacy.selectors import subject_data, subject_sections
from risorsa.registry.models import Person

FORMATS = {"json": "application/json", "pdf": "application/pdf"}


def subject_export(*, person: Person, fmt: str) -> tuple[bytes, str, str]:
    """(content, content type, file name) of everything kept about the person, in `fmt`."""
    name = f"dati-personali-{person.codice_fiscale}.{fmt}"
    if fmt == "pdf":
        return subject_pdf(person, subject_sections(person=person)), FORMATS[fmt], name
    content = json.dumps(subject_data(person=person), cls=DjangoJSONEncoder, ensure_ascii=False, indent=2)
    return content.encode(), FORMATS["json"], name
