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

An action marked `danger` (it ends, cancels, rejects, revokes or withdraws something) is never done
in one click: its button opens its page (a GET on the action's URL, or a POST without `confirm`),
which says what will happen to whom and asks for the reason, and only the POST sent from there,
with `confirm`, does it (`Actions.answer`).
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import wraps
from typing import Any, ParamSpec, TypeVar

from django import forms
from django.core.exceptions import ImproperlyConfigured
from django.core.exceptions import PermissionDenied as Forbidden
from django.db import models
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from risorsa.core.exceptions import DomainError, PermissionDenied
from risorsa.organizations.access import WRITERS
from risorsa.organizations.models import Membership
from risorsa.organizations.selectors import membership_for


@dataclass
class Action:
    """One thing a member may do to a subject.

    `roles`: who of those kinds does it (operators and managers unless said); `statuses`: the
    subject's statuses it applies from (None: any); `form`: the dotted path of the
    form whose cleaned data are the service's further arguments; `danger`: it ends or cancels
    something (a required reason, danger styling); `party`: which members of those kinds, for
    this subject (the organization supervising a placement); `when`: a further condition on the
    subject (a date passed), given by the service that performs it; `done`: what the user reads.
    """

    name: str
    label: str | Promise
    kinds: Iterable[str]
    roles: Iterable[str] = WRITERS  # a reader never acts; MANAGERS for an approval
    statuses: Iterable[str] | None = None
    form: str | None = None
    done: str | Promise = ""
    danger: bool = False
    consequence: str | Promise = ""
    help: str | Promise = ""
    party: Callable[[Any, Membership], bool] | None = field(default=None, repr=False)
    service: Callable[..., Any] | None = field(default=None, repr=False)
    when: Callable[[Any], bool] | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        self.kinds = tuple(self.kinds)
        self.roles = tuple(self.roles)
        self.statuses = None if self.statuses is None else tuple(self.statuses)
        if self.danger and self.form is None:
            raise ImproperlyConfigured(f"Action {self.name!r} is dangerous: its form asks for the reason.")

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


def none_chosen(choices: Iterable[tuple[str, Any]]) -> list[tuple[str, Any]]:
    """The choices of a danger action's reason, with an empty first one: none is chosen for the
    member, who picks one (the field is required)."""
    return [("", gettext_lazy("— scegli —")), *choices]


CONFIRM = "confirm"  # the field of the POST that confirms a danger action, sent from its page


@dataclass
class Answer:
    """What an action's URL answers: `done`, or the page to show (`page`: the action's own page, to
    confirm it or refused there), or a refusal to show on the subject's page with the bound form."""

    action: Action
    form: forms.Form | None = None
    refusal: str = ""  # the service's refusal; a form's own errors are said by its error summary
    page: HttpResponse | None = None

    @property
    def done(self) -> bool:
        return self.page is None and not self.refusal and not (self.form is not None and self.form.errors)


class Actions:
    """A model's declared actions, registered for the `{% action_buttons %}` tag.

    `whom`: who the subject is about, as the action's page names them (the customer's holder);
    `back`: the subject's page, where the action's page goes back to (its `get_absolute_url`)."""

    def __init__(
        self,
        model: type[models.Model],
        *,
        subject: str,
        url: str,
        actions: Iterable[Action],
        whom: Callable[[Any], str] | None = None,
        back: Callable[[Any], str] | None = None,
    ):
        self.model = model
        self.subject = subject
        self.url = url
        self.whom = whom
        self.back = back or (lambda subject: subject.get_absolute_url())
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

    def _named(self, name: str, *, user) -> Action:
        """Action `name`, for a member whose kind and role may do it: an unknown action is not found
        (404), one the member may never do is forbidden (403), as the views' guards answer."""
        try:
            action = self._actions[name]
        except KeyError:
            raise Http404(_("Operazione sconosciuta.")) from None
        if not action.permits(membership_for(user=user)):
            raise Forbidden(_("Il tuo ruolo non consente questa operazione."))
        return action

    def dispatch(self, *, name: str, subject: Any, user, data) -> tuple[Action, forms.Form | None, str]:
        """Run action `name` on `subject` for a POST: (action, bound form, refusal or "").

        An unknown action is not found (404); one the member's kind or role may never do is
        forbidden (403), as the views' guards answer, before the form is read.
        """
        action = self._named(name, user=user)
        form = action.build_form(subject, data)
        if form is not None and not form.is_valid():
            return action, form, _("Controlla i dati inseriti.")
        arguments = form.cleaned_data if form is not None else {}
        try:
            action.service(**{self.subject: subject, "by": user, **arguments})  # type: ignore[misc]
        except DomainError as refused:
            return action, form, refused.message
        return action, form, ""

    def answer(self, request: HttpRequest, *, name: str, subject: Any) -> Answer:
        """What the action's URL answers to `request`.

        An unknown action is not found (404); a member whose kind, role or organization (the action's
        party) it does not name is forbidden (403). A GET shows the action's own page (its form, what
        will happen, a button to confirm), and so
        does a POST of a danger action without `confirm`: nothing is done yet. Any other POST is
        dispatched (404, 403, or done, or refused); a danger action refused after its confirmation
        shows its page again, with the errors (400).
        """
        action = self._named(name, user=request.user)
        membership = membership_for(user=request.user)  # a member: `_named` checked their kind and role
        if membership is None or not action.concerns(subject, membership):
            raise Forbidden(_("Il tuo ruolo non consente questa operazione."))
        if request.method != "POST" or (action.danger and not request.POST.get(CONFIRM)):
            return Answer(action, page=self._page(request, action, subject))
        _action, form, refusal = self.dispatch(
            name=name, subject=subject, user=request.user, data=request.POST
        )
        if refusal and action.danger:
            page = self._page(request, action, subject, form=form, refusal=refusal)
            return Answer(action, form, refusal, page=page)
        if form is not None and form.errors:
            refusal = ""  # said by the form's error summary, not a second time above the page
        return Answer(action, form, refusal)

    def _page(
        self, request: HttpRequest, action: Action, subject: Any, *, form=None, refusal=""
    ) -> HttpResponse:
        """The action's own page: what it does to whom, its form (the reason asked anew, never
        preselected) and the button that confirms it; or why it cannot be done now."""
        try:
            self.check(action, subject=subject, by=request.user)
        except DomainError as refused:
            possible, now = False, refused.message
        else:
            possible = action.applies_to(subject)
            now = "" if possible else _("«%(action)s» non si può fare ora.") % {"action": action.label}
        invalid = form is not None and bool(form.errors)
        refusal = "" if invalid else (refusal or now)  # a form's errors are said by its summary
        if form is None:
            form = action.build_form(subject)
        context = {
            "action": action,
            "subject": subject,
            "whom": self.whom(subject) if self.whom else "",
            "form": form if possible else None,
            "possible": possible,
            "url": self.action_url(subject, action),
            "back": self.back(subject),
            "refusal": refusal,
            "confirm": CONFIRM,
        }
        status = 400 if refusal or invalid else 200
        return render(request, "organizations/action_page.html", context, status=status)


def declared_tables() -> list[Actions]:
    """Every model's declared actions (the tests check each danger one)."""
    return list(_tables.values())


def actions_for(model: type[models.Model]) -> Actions:
    try:
        return _tables[model]
    except KeyError:
        raise ImproperlyConfigured(f"{model.__name__} declares no actions.") from None
