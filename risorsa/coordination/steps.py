"""The steps that wait on an organization, declared by the apps that own them.

An app declares its steps in its own `steps` module, imported by its `ready()`:

    EVALUATE_REDUCTION = register_step("valutare_riduzione", _("Valutare …"), MUNICIPALITY, 5)

The code is what deadlines and SLA rows store; the label is what the to-do list and the SLA table
show; the owner kind and the days are the SLA table's starting values (DOMAIN.md), which each
municipality's manager then changes on screen. A new step needs no coordination migration: the
SLA table of a territory gains its row the first time the step is used or the table is shown.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import ImproperlyConfigured
from django.db.models import Model, QuerySet
from django.utils.functional import Promise


@dataclass(frozen=True)
class StepDefinition:
    code: str
    label: str | Promise
    owner_kind: str
    default_days: int


_steps: dict[str, StepDefinition] = {}


def register_step(code: str, label: str | Promise, owner_kind: str, default_days: int) -> str:
    """Declare a step; returns its code, for the app's constants. Declaring it again with the same
    terms is harmless (modules may be imported twice in tests); with others, a configuration error."""
    definition = StepDefinition(code=code, label=label, owner_kind=owner_kind, default_days=default_days)
    known = _steps.setdefault(code, definition)
    if known != definition:
        raise ImproperlyConfigured(f"Step {code!r} declared twice with different terms.")
    return code


def step_definition(code: str) -> StepDefinition:
    try:
        return _steps[code]
    except KeyError:
        raise ImproperlyConfigured(f"Step {code!r} is not declared by any app.") from None


def all_steps() -> list[StepDefinition]:
    """Every declared step, in the order the apps declared them."""
    return list(_steps.values())


def step_label(code: str) -> str:
    """What users read of a step; a code no app declares any more reads as itself."""
    definition = _steps.get(code)
    return str(definition.label) if definition else code


# How the to-do list reads the subjects of one model: what its `__str__` needs, fetched with it.
_subjects: dict[type[Model], Callable[[], QuerySet]] = {}


def register_subject(model: type[Model], queryset: Callable[[], QuerySet]) -> None:
    """Declare how the to-do list fetches the deadlines' subjects of `model` (with the relations
    its `__str__` reads), so that each kind of subject costs one query whatever the rows."""
    _subjects[model] = queryset


def subject_querysets() -> list[QuerySet]:
    """The querysets of the subjects declared by the apps (others are fetched as they are)."""
    return [queryset() for queryset in _subjects.values()]
