"""One status badge for every workflow, its colour read from the status choices."""

import pytest
from django.template import Context, Template

from risorsa.interventions.models import InterventionStatus
from risorsa.ledger.models import ImportStatus
from risorsa.protection.models import ProtectionStatus
from risorsa.repayment.models import PlanStatus


def render(source: str, **context) -> str:
    return Template("{% load risorsa %}" + source).render(Context(context))


@pytest.mark.parametrize(
    ("choices", "value", "tone"),
    [
        (ProtectionStatus, ProtectionStatus.ACTIVE, "success"),
        (ProtectionStatus, ProtectionStatus.SUSPENDED, "warning"),
        (ProtectionStatus, ProtectionStatus.ENDED, "secondary"),
        (PlanStatus, PlanStatus.LAPSED, "secondary"),
        (PlanStatus, PlanStatus.COMPLETED, "success"),
        (InterventionStatus, InterventionStatus.APPLIED, "success"),
        (ImportStatus, ImportStatus.FAILED, "danger"),
    ],
)
def test_a_status_takes_the_tone_its_choices_declare(choices, value, tone):
    html = render(
        "{% status_badge value label=label choices=choices %}", value=value, label="x", choices=choices
    )
    assert f'class="badge bg-{tone}' in html


def test_a_model_instance_gives_its_status_label_and_choices(db):
    from risorsa.ledger.models import ImportRun

    run = ImportRun(status=ImportStatus.REJECTED)
    html = render("{% status_badge run %}", run=run)
    assert html == '<span class="badge bg-danger">rifiutato</span>'


def test_a_label_is_escaped():
    html = render(
        "{% status_badge value label=label choices=choices %}",
        value="attiva",
        label="<b>attiva</b>",
        choices=ProtectionStatus,
    )
    assert "<b>" not in html and "&lt;b&gt;" in html
