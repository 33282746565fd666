"""A late row is marked by a left border and a badge in words, not by a red tint that would take its
links, codes and buttons below 4.5:1 contrast."""

import re
from datetime import date
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from django.urls import reverse

from risorsa.coordination.services import open_deadline
from risorsa.coordination.tests.test_deadlines import customer_of
from risorsa.protection import steps as protection_steps


def rows_of(body: str) -> list[str]:
    return re.findall(r"<tr[^>]*>.*?</tr>", body, re.DOTALL)


@pytest.mark.django_db
@time_machine.travel(date(2026, 11, 25), tick=False)
def test_an_overdue_deadline_row_carries_the_badge_and_the_border_class_not_a_tint(
    client_for, utility, municipality
):
    # given one step overdue since the 5th and one due next week
    open_deadline(
        step=protection_steps.EVALUATE_REDUCTION,
        subject=customer_of(utility, municipality, "C1"),
        owner=municipality,
        opened_on=date(2026, 10, 28),
        due_on=date(2026, 11, 5),
    )
    open_deadline(
        step=protection_steps.EVALUATE_REDUCTION,
        subject=customer_of(utility, municipality, "C2"),
        owner=municipality,
        opened_on=date(2026, 11, 24),
        due_on=date(2026, 12, 1),
    )
    # when the operator opens the queue
    body = client_for("comune.operatore").get(reverse("coordination:todo")).content.decode()
    late, on_time = rows_of(body)[1:]  # the first row is the header's
    # then the late row says so in words and by its border class; neither row is tinted
    assert 'class="risorsa-row-late"' in late and "in ritardo" in late and "05/11/2026" in late
    assert "risorsa-row-late" not in on_time and "in ritardo" not in on_time
    assert "table-danger" not in body


def test_no_template_tints_a_row_red():
    templates = Path(settings.BASE_DIR) / "risorsa" / "templates"
    tinted = [str(path) for path in templates.rglob("*.html") if "table-danger" in path.read_text()]
    assert tinted == []
