from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from risorsa.core.models import TimeStampedModel
from risorsa.organizations.validators import validate_organization_fiscal_code


class OrganizationKind(models.TextChoices):
    MUNICIPALITY = "COMUNE", _("Comune (Servizi Sociali)")
    UTILITY = "GESTORE", _("Gestore")
    PARTNER = "PARTNER", _("Partner del terzo settore")


class Role(models.TextChoices):
    OPERATOR = "operatore", _("operatore")
    MANAGER = "responsabile", _("responsabile")
    READER = "lettore", _("lettore")


class Organization(TimeStampedModel):
    kind = models.CharField(_("tipo"), max_length=10, choices=OrganizationKind.choices)
    name = models.CharField(_("nome"), max_length=200)
    short_name = models.CharField(_("nome breve"), max_length=60, blank=True)
    fiscal_code = models.CharField(
        _("codice fiscale"),
        max_length=11,
        unique=True,
        validators=[validate_organization_fiscal_code],
    )
    code = models.SlugField(
        _("codice"),
        max_length=30,
        unique=True,
        help_text=_("Codice breve usato nei file e negli accrediti (es. AEM)."),
    )
    # A municipality's territory is named in the utility's files by its codice catastale.
    codice_catastale = models.CharField(
        _("codice catastale"),
        max_length=4,
        null=True,
        blank=True,
        unique=True,
        help_text=_("Per i Comuni: il codice catastale del territorio (es. D150 per Cremona)."),
    )
    # A utility's file rows without `codice_comune` belong to this municipality's territory.
    default_municipality = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        limit_choices_to={"kind": "COMUNE"},
        verbose_name=_("Comune predefinito"),
        help_text=_("Per i gestori: il Comune delle forniture dei file senza colonna codice_comune."),
    )

    class Meta:
        verbose_name = _("organizzazione")
        verbose_name_plural = _("organizzazioni")
        ordering = ["kind", "name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=["COMUNE", "GESTORE", "PARTNER"]),
                name="organization_kind_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(codice_catastale__isnull=True)
                | models.Q(kind="COMUNE", codice_catastale__regex=r"^[A-Z][0-9]{3}$"),
                name="organization_catastale_of_municipality",
            ),
            models.CheckConstraint(
                condition=models.Q(default_municipality__isnull=True) | models.Q(kind="GESTORE"),
                name="organization_default_municipality_of_utility",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def display_name(self) -> str:
        return self.short_name or self.name


class Membership(TimeStampedModel):
    """A user's one organization and role: every permission is derived from it."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="membership",
        verbose_name=_("utente"),
    )
    organization = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="memberships",
        verbose_name=_("organizzazione"),
    )
    role = models.CharField(_("ruolo"), max_length=20, choices=Role.choices)

    class Meta:
        verbose_name = _("appartenenza")
        verbose_name_plural = _("appartenenze")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(role__in=["operatore", "responsabile", "lettore"]),
                name="membership_role_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.organization} ({self.get_role_display()})"

    @property
    def kind(self) -> str:
        return self.organization.kind

    @property
    def is_municipality(self) -> bool:
        return self.organization.kind == OrganizationKind.MUNICIPALITY

    @property
    def is_utility(self) -> bool:
        return self.organization.kind == OrganizationKind.UTILITY

    @property
    def is_partner(self) -> bool:
        return self.organization.kind == OrganizationKind.PARTNER

    @property
    def can_write(self) -> bool:
        return self.role in (Role.OPERATOR, Role.MANAGER)

    @property
    def is_manager(self) -> bool:
        return self.role == Role.MANAGER
