"""The access log: who saw which personal data, when, through which page or export.

The app sits between `organizations` and `registry` so that every app showing people can write to
it. Its one reference downwards, `AccessLog.person`, is a lazy foreign key to "registry.Person"
(like `settings.AUTH_USER_MODEL`): nothing here imports the registry.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from risorsa.organizations.models import Membership, Organization, OrganizationKind

# Organizations whose list pages a municipality may audit: they serve several municipalities, and
# a row without a person carries only masked filters.
SHARED_KINDS = (OrganizationKind.UTILITY, OrganizationKind.PARTNER)


class AccessLogQuerySet(models.QuerySet):
    def visible_to(self, membership: Membership | None) -> "AccessLogQuerySet":
        """A municipality's manager: reads of its own registry's people (by anyone), its own users'
        reads of no one in particular, and the shared organizations' list reads; nobody else sees
        the log. Never a read by or about another municipality that concerns none of its people."""
        if not (
            membership
            and membership.organization.kind == OrganizationKind.MUNICIPALITY
            and membership.is_manager
        ):
            return self.none()
        organization = membership.organization_id
        return self.filter(
            Q(person__organization_id=organization)
            | Q(person__isnull=True, organization_id=organization)
            | Q(person__isnull=True, organization__kind__in=SHARED_KINDS)
        )


class AccessLog(models.Model):
    """Append-only: one row per request that showed personal data (page, fragment, list, export, PDF)
    or reached the Django admin. Only anonymisation (the data subject's rights) rewrites a row."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("utente")
    )
    # Empty for a site administrator with no organization.
    organization = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("organizzazione"),
    )
    accessed_at = models.DateTimeField(_("data e ora"), default=timezone.now, editable=False)
    what = models.CharField(_("funzione"), max_length=100, help_text=_("Nome stabile della pagina o export."))
    path = models.CharField(_("pagina"), max_length=300)
    filters = models.JSONField(_("filtri"), default=dict, blank=True)
    rows = models.PositiveIntegerField(_("righe"), null=True, blank=True)
    person = models.ForeignKey(
        "registry.Person",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="access_logs",
        verbose_name=_("persona"),
    )

    objects = AccessLogQuerySet.as_manager()

    class Meta:
        verbose_name = _("accesso a dati personali")
        verbose_name_plural = _("registro accessi")
        ordering = ["-accessed_at", "-pk"]
        indexes = [models.Index(fields=["-accessed_at"], name="accesslog_accessed_at")]

    def __str__(self) -> str:
        return f"{self.accessed_at:%d/%m/%Y %H:%M} {self.user} {self.what}"
