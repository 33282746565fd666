"""Actions declared once: who may do what to a subject, from which statuses, with which form.

A workflow declares its actions in its `actions` module, one table per model:

    ACTIONS = Actions(
        Plan, subject="plan", url="repayment:action",
        actions=[Action("approve", _("Approva"), kinds=UTILITY, roles=MANAGERS, statuses=[PROPOSED])],
    )

and its services say which function performs each one:

    @ACTIONS.performs("approve")
    def approve_plan(*, plan, by): ...

The same declaration is then read everywhere: the service refuses a member whose organization
kind, role or subject's status does not match (`by=None` is the system, a file or the daily
follow-up); the view dispatches a POST to the service with the action's form (`dispatch`); the
`{% action_buttons subject %}` tag renders the actions the member may do now; the API will expose
the same. No template repeats a rule as `{% if kind == … and status == … %}`.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import wraps
from typing import Any, ParamSpec, TypeVar

from django import forms
from django.core.exceptions import ImproperlyConfigured
from django.core.exceptions import PermissionDenied as Forbidden
from django.db import models
from django.http import Http404
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from risorsa.core.exceptions import DomainError, PermissionDenied
from risorsa.organizations.models import Membership
from risorsa.organizations.selectors import membership_for


@dataclass
class Action:
    """One thing a member may do to a subject.

    `statuses`: the subject's statuses it applies from (None: any); `form`: the dotted path of the
    form whose cleaned data are the service's further arguments; `danger`: it ends or cancels
    something (a required reason, danger styling); `party`: which members of those kinds, for
    this subject (the organization supervising a placement); `when`: a further condition on the
    subject (a date passed), given by the service that performs it; `done`: what the user reads.
    """

    name: str
    label: str | Promise
    kinds: Iterable[str]
    roles: Iterable[str]
    statuses: Iterable[str] | None = None
    form: str | None = None
    done: str | Promise = ""
    danger: bool = False
    help: str | Promise = ""
    party: Callable[[Any, Membership], bool] | None = field(default=None, repr=False)
    service: Callable[..., Any] | None = field(default=None, repr=False)
    when: Callable[[Any], bool] | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        self.kinds = tuple(self.kinds)
        self.roles = tuple(self.roles)
        self.statuses = None if self.statuses is None else tuple(self.statuses)

    def permits(self, membership: Membership | None) -> bool:
        """The member's organization kind and role may do it."""
        return (
            membership is not None
            and membership.organization.kind in self.kinds
            and membership.role in self.roles
        )

    def concerns(self, subject: Any, membership: Membership) -> bool:
        """The member's organization is the party this action is for (when the action says so)."""
        return self.party is None or self.party(subject, membership)

    def applies_to(self, subject: Any) -> bool:
        """The subject is in a status it applies from, and its further condition holds."""
        if self.statuses is not None and subject.status not in self.statuses:
            return False
        return self.when is None or self.when(subject)

    def form_class(self) -> type[forms.Form] | None:
        return import_string(self.form) if self.form else None

    def build_form(self, subject: Any, data=None) -> forms.Form | None:
        """The action's form, prefixed with its name; a form with `takes_subject` gets the subject
        (to offer only that subject's choices)."""
        form_class = self.form_class()
        if form_class is None:
            return None
        extra = {"subject": subject} if getattr(form_class, "takes_subject", False) else {}
        return form_class(data, prefix=self.name, **extra)


_tables: dict[type[models.Model], "Actions"] = {}
P = ParamSpec("P")
R = TypeVar("R")


class Actions:
    """A model's declared actions, registered for the `{% action_buttons %}` tag."""

    def __init__(self, model: type[models.Model], *, subject: str, url: str, actions: Iterable[Action]):
        self.model = model
        self.subject = subject
        self.url = url
        self._actions = {action.name: action for action in actions}
        _tables[model] = self

    def __getitem__(self, name: str) -> Action:
        return self._actions[name]

    def __iter__(self):
        return iter(self._actions.values())

    def performs(
        self, name: str, *, when: Callable[[Any], bool] | None = None
    ) -> Callable[[Callable[P, R]], Callable[P, R]]:
        """Decorate the service that performs action `name`: it refuses a member the declaration
        does not allow, before doing anything."""
        action = self._actions[name]
        if action.service is not None:
            raise ImproperlyConfigured(f"Action {name!r} of {self.model.__name__} has two services.")

        def decorator(service: Callable[P, R]) -> Callable[P, R]:
            @wraps(service)
            def checked(*args: P.args, **kwargs: P.kwargs) -> R:
                self.check(action, subject=kwargs.get(self.subject), by=kwargs.get("by"))
                return service(*args, **kwargs)

            action.service = checked
            action.when = when
            return checked

        return decorator

    def check(self, action: Action, *, subject: Any, by) -> None:
        """Refuse, in Italian, a member who may not do `action` to `subject` now."""
        if by is None:  # the system: the pipeline's own checks still apply
            return
        membership = membership_for(user=by)
        if membership is None or not action.permits(membership):
            raise PermissionDenied(_("Il tuo ruolo non consente questa operazione."))
        if subject is not None:
            model = type(subject)
            # Never tell a member anything of what their organization does not see.
            visible_to = getattr(model._default_manager, "visible_to", None)
            if visible_to is not None and not visible_to(membership).filter(pk=subject.pk).exists():
                raise PermissionDenied(_("Questa pratica non è tra quelle che la tua organizzazione segue."))
            if not action.concerns(subject, membership):
                raise PermissionDenied(_("Questa operazione spetta a un'altra organizzazione."))
        if subject is not None and action.statuses is not None:
            # The status now, not the caller's copy's: callers keep the instance a previous action
            # was given (the service changed a locked copy of it).
            status = model._default_manager.filter(pk=subject.pk).values_list("status", flat=True).get()
            if status not in action.statuses:
                label = dict(model._meta.get_field("status").flatchoices).get(status, status)
                raise DomainError(
                    _("«%(action)s» non si può fare in stato «%(status)s».")
                    % {"action": action.label, "status": label}
                )

    def available(self, subject: Any, membership: Membership | None) -> list[Action]:
        """What the member may do to the subject now, in the order declared."""
        return [
            action
            for action in self
            if action.permits(membership)
            and action.concerns(subject, membership)
            and action.applies_to(subject)
        ]

    def action_url(self, subject: Any, action: Action) -> str:
        return reverse(self.url, args=[subject.pk, action.name])

    def dispatch(self, *, name: str, subject: Any, user, data) -> tuple[Action, forms.Form | None, str]:
        """Run action `name` on `subject` for a POST: (action, bound form, refusal or "").

        An unknown action is not found (404); one the member's kind or role may never do is
        forbidden (403), as the views' guards answer, before the form is read.
        """
        try:
            action = self._actions[name]
        except KeyError:
            raise Http404(_("Operazione sconosciuta.")) from None
        if not action.permits(membership_for(user=user)):
            raise Forbidden(_("Il tuo ruolo non consente questa operazione."))
        form = action.build_form(subject, data)
        if form is not None and not form.is_valid():
            return action, form, _("Controlla i dati inseriti.")
        arguments = form.cleaned_data if form is not None else {}
        try:
            action.service(**{self.subject: subject, "by": user, **arguments})  # type: ignore[misc]
        except DomainError as refused:
            return action, form, refused.message
        return action, form, ""


def actions_for(model: type[models.Model]) -> Actions:
    try:
        return _tables[model]
    except KeyError:
        raise ImproperlyConfigured(f"{model.__name__} declares no actions.") from None
