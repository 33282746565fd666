"""Status pipelines: each workflow declares its allowed transitions; one function moves along them.

Every change is checked against the workflow's ALLOWED_TRANSITIONS and written to its log of
transitions (who, when, from, to, why), an append-only table built on `TransitionRecord`.
"""

from collections.abc import Iterable, Mapping
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Case, F, Q, QuerySet, TextField, Value, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from risorsa.core.exceptions import DomainError
from risorsa.core.phrases import Phrase, worded


class TransitionRecord(models.Model):
    """One change of status; the subclass adds the foreign key to its subject and `statuses`."""

    statuses: type[models.TextChoices]

    from_status = models.CharField(_("da"), max_length=20, blank=True)
    to_status = models.CharField(_("a"), max_length=20)
    at = models.DateTimeField(_("quando"), default=timezone.now)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("chi"),
    )
    why = models.TextField(_("perché"), blank=True)
    # Set when the system wrote the reason (a Phrase): `why` is then its message id, worded with
    # these parameters when read, in the reader's language; None for a reason a person typed.
    why_params = models.JSONField(null=True, blank=True, editable=False)

    class Meta:
        abstract = True
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.from_status or '—'} → {self.to_status}"

    @property
    def from_label(self) -> str:
        return self.statuses(self.from_status).label if self.from_status else ""

    @property
    def to_label(self) -> str:
        return self.statuses(self.to_status).label

    @property
    def note_text(self) -> str:
        """The reason as the reader may read it (`note`, chosen by `transitions_seen_by`; else
        `why`), worded in the reader's language when the system wrote it."""
        note = getattr(self, "note", None)
        if note is None:
            note = self.why
        return worded(note, self.why_params) if note else ""


def change_status(
    subject: Any,
    *,
    to: str,
    allowed: Mapping[Any, Iterable[str]],
    statuses: type[models.TextChoices],
    refusal: str,
    log: Any,
    by,
    why: str | Phrase = "",
    save: bool = True,
    fields: Mapping[str, Any] | None = None,
) -> None:
    """Move `subject` to `to` if its pipeline allows it, and log the change; otherwise refuse.

    `subject` has a `status` of `statuses`; `refusal` is the workflow's Italian message, with
    %(current)s and %(target)s; `log` is the subject's related manager of transitions; `fields` are
    further columns of the workflow's transition row (the protection's day of effect). `why` is what
    a person typed, or a Phrase when the system says why (stored unworded, worded when read).
    """
    current = subject.status
    if to not in allowed[current]:
        raise DomainError(refusal % {"current": statuses(current).label, "target": statuses(to).label})
    subject.status = to
    if save:  # otherwise the caller saves it with the other fields the change sets
        subject.save(update_fields=["status"])
    why_text, why_params = why.stored() if isinstance(why, Phrase) else (why, None)
    log.create(
        from_status=current, to_status=to, by=by, why=why_text, why_params=why_params, **(fields or {})
    )


def transitions_seen_by(transitions: QuerySet, membership) -> QuerySet:
    """A log of transitions as a member may read it, its reasons chosen in the query (`note`).

    The municipality reads every reason; another organization reads its own users' reasons and
    the system's notes, never the municipality's free text (DOMAIN.md: no reasons to the utility).
    """
    note: F | Case
    if membership is not None and membership.is_municipality:
        note = F("why")
    else:
        organization = membership.organization_id if membership is not None else None
        readable = Q(by__isnull=True) | Q(by__membership__organization_id=organization)
        note = Case(When(readable, then=F("why")), default=Value(""), output_field=TextField())
    return transitions.select_related("by").defer("why").annotate(note=note).order_by("at", "pk")
