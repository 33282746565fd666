"""Sections that the apps above the registry add to a person's page and a household's page.

The registry sits below the ledger and the workflows, so it never names a customer, a debt or a
project: an app that knows them registers, in its AppConfig.ready(), a panel (the template of its
section and the function reading what the section shows for the member and the people of the
page), as the ledger registers "Utenze e debiti". The function reads through the member's scoping
in the query, in a number of queries that does not grow with the rows, and returns None when the
member's organization is not to see the section at all.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from risorsa.organizations.models import Membership
from risorsa.registry.models import Person

Reader = Callable[..., dict[str, Any] | None]  # reader(membership=..., people=...) -> context or None


@dataclass(frozen=True)
class Panel:
    template: str
    reader: Reader


@dataclass(frozen=True)
class ShownPanel:
    template: str
    context: dict[str, Any]


_panels: list[Panel] = []


def register_panel(*, template: str, reader: Reader) -> None:
    """Add a section to the person and household pages (registering it again changes nothing)."""
    panel = Panel(template=template, reader=reader)
    if panel not in _panels:
        _panels.append(panel)


def panels_for(*, membership: Membership | None, people: QuerySet[Person]) -> list[ShownPanel]:
    """The sections the member reads about these people (already scoped by the caller), in the
    order the apps registered them."""
    shown = []
    for panel in _panels:
        context = panel.reader(membership=membership, people=people)
        if context is not None:
            shown.append(ShownPanel(template=panel.template, context=context))
    return shown
