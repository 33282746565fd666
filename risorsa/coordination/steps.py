"""The steps that wait on an organization, declared by the apps that own them.

An app declares its steps in its own `steps` module, imported by its `ready()`:

    PLAN_APPROVAL = register_step(
        "approvazione_piano", _("Approvare …"), UTILITY, 5, met_by=ACTIONS["approve"]
    )

The code is what deadlines and SLA rows store; the label is what the to-do list and the SLA table
show; the owner kind and the days are the SLA table's starting values (DOMAIN.md), which each
municipality's manager then changes on screen. A new step needs no coordination migration: the
SLA table of a territory gains its row the first time the step is used or the table is shown.

Who meets a step is said once: by the declared action that meets it (`met_by`, whose roles are the
step's), or, for a step met by a page's button or a file rather than an action, by its `roles`. The
to-do list gives a member only the steps their role meets; the others of their organization wait
for another role (the manager) and are shown as such, never as something to do.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.core.exceptions import ImproperlyConfigured
from django.db.models import Model, QuerySet
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from risorsa.organizations.actions import Action
from risorsa.organizations.models import Role


@dataclass(frozen=True)
class StepDefinition:
    code: str
    label: str | Promise
    owner_kind: str
    default_days: int
    roles: tuple[str, ...]  # the roles, in the owner organization, that meet it


_steps: dict[str, StepDefinition] = {}


def register_step(
    code: str,
    label: str | Promise,
    owner_kind: str,
    default_days: int,
    *,
    met_by: Action | None = None,
    roles: Iterable[str] | None = None,
) -> str:
    """Declare a step; returns its code, for the app's constants. Its roles are those of the action
    that meets it (`met_by`), which the owner kind must be allowed to do, or else the `roles` given.
    Declaring it again with the same terms is harmless (modules may be imported twice in tests);
    with others, a configuration error."""
    if (met_by is None) == (roles is None):
        raise ImproperlyConfigured(f"Step {code!r}: say which action meets it (met_by) or which roles do.")
    if met_by is not None:
        if owner_kind not in met_by.kinds:
            raise ImproperlyConfigured(f"Step {code!r}: its owner may not do {met_by.name!r}.")
        roles = met_by.roles
    definition = StepDefinition(
        code=code, label=label, owner_kind=owner_kind, default_days=default_days, roles=tuple(roles or ())
    )
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


def steps_met_by(role: str) -> list[str]:
    """The codes of the steps a member of `role` meets when their organization owns the deadline."""
    return [step.code for step in _steps.values() if role in step.roles]


def step_awaits(code: str) -> str:
    """Whom a step waits for, said to a member who cannot meet it: the manager, or an operator."""
    definition = _steps.get(code)
    if definition is not None and set(definition.roles) == {Role.MANAGER}:
        return _("in attesa del responsabile")
    return _("in attesa di un operatore")


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
