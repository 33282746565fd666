from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from risorsa.core.models import TimeStampedModel
from risorsa.core.money import MoneyField
from risorsa.organizations.models import Membership, Organization, OrganizationKind
from risorsa.organizations.scoping import PERSON, granted
from risorsa.registry.codice_fiscale import birth_place_name


class MunicipalityOnlyQuerySet(models.QuerySet):
    """Social data (household, ISEE, assessment): the municipality that keeps them, no one else.

    `municipality_path` leads from the row to the municipality whose registry holds it."""

    municipality_path = "organization"

    def visible_to(self, membership: Membership | None):
        """Its own rows for a municipality member, none for anyone else (DOMAIN.md matrix)."""
        if membership and membership.organization.kind == OrganizationKind.MUNICIPALITY:
            return self.filter(**{f"{self.municipality_path}_id": membership.organization_id})
        return self.none()


class IseeQuerySet(MunicipalityOnlyQuerySet):
    municipality_path = "household__organization"


class AssessmentQuerySet(MunicipalityOnlyQuerySet):
    municipality_path = "person__organization"


class Sex(models.TextChoices):
    MALE = "M", _("maschile")
    FEMALE = "F", _("femminile")


class Citizenship(models.TextChoices):
    ITALIAN = "IT", _("italiana")
    EU = "UE", _("UE")
    NON_EU = "EXTRA_UE", _("extra UE")


class PersonQuerySet(models.QuerySet):
    def visible_to(self, membership: Membership | None) -> "PersonQuerySet":
        """The people this member may see (DOMAIN.md matrix, grants of organizations.scoping)."""
        condition = granted(PERSON, membership)
        return self.none() if condition is None else self.filter(condition)


class Person(TimeStampedModel):
    organization = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="registered_people",
        verbose_name=_("Comune che ne cura l'anagrafica"),
        db_index=False,  # the registry's unique (organization, codice fiscale) leads with it
        limit_choices_to={"kind": OrganizationKind.MUNICIPALITY},
    )
    # Unique within a registry: each municipality keeps its own, and never learns of another's.
    codice_fiscale = models.CharField(_("codice fiscale"), max_length=16)
    surname = models.CharField(_("cognome"), max_length=100)
    name = models.CharField(_("nome"), max_length=100)
    sex = models.CharField(_("sesso"), max_length=1, choices=Sex.choices)
    birth_date = models.DateField(_("data di nascita"))
    birth_place_code = models.CharField(_("codice catastale del luogo di nascita"), max_length=4)
    citizenship = models.CharField(
        _("cittadinanza"), max_length=10, choices=Citizenship.choices, blank=True, default=Citizenship.ITALIAN
    )
    citizenship_country = models.CharField(_("Stato di cittadinanza"), max_length=80, blank=True)
    phone = models.CharField(_("telefono"), max_length=30, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    address = models.CharField(_("indirizzo di residenza"), max_length=200, blank=True)
    city = models.CharField(_("comune di residenza"), max_length=100, blank=True)
    household = models.ForeignKey(
        "Household",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="members",
        verbose_name=_("nucleo familiare"),
    )
    # Folded "surname name codice fiscale" for accent- and case-insensitive search. No B-tree index:
    # a substring search cannot use one, and the utility's imports insert people by the hundred thousand.
    search_text = models.CharField(max_length=240, editable=False)

    objects = PersonQuerySet.as_manager()
    # Field-level history of every change made through forms and services, with its user. The people
    # a utility's file brings in are inserted in bulk (registry bulk function): no history row for
    # their creation, the import run records it. `search_text` is derived, so not kept twice.
    history = HistoricalRecords(excluded_fields=["search_text"])

    class Meta:
        verbose_name = _("persona")
        verbose_name_plural = _("persone")
        ordering = ["surname", "name", "pk"]
        indexes = [models.Index(fields=["surname", "name"], name="person_surname_name")]
        constraints = [
            models.CheckConstraint(
                condition=Q(codice_fiscale__regex=r"^[A-Z0-9]{16}$"),
                name="person_codice_fiscale_shape",
            ),
            models.CheckConstraint(condition=Q(sex__in=["M", "F"]), name="person_sex_valid"),
            models.UniqueConstraint(
                fields=["organization", "codice_fiscale"],
                name="person_codice_fiscale_unique_per_registry",
                violation_error_message=_("Questa persona è già nell'anagrafica del Comune."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.surname} {self.name}"

    @property
    def full_name(self) -> str:
        return f"{self.surname} {self.name}"

    @property
    def birth_place(self) -> str:
        """Municipality or State of birth, named from the codice catastale."""
        return birth_place_name(self.birth_place_code, self.birth_date) or self.birth_place_code


class Household(TimeStampedModel):
    organization = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="households",
        verbose_name=_("Comune"),
        limit_choices_to={"kind": OrganizationKind.MUNICIPALITY},
    )
    address = models.CharField(_("indirizzo"), max_length=200, blank=True)
    size = models.PositiveSmallIntegerField(_("componenti"), default=1)
    minors = models.PositiveSmallIntegerField(_("minori"), default=0)
    dependent_children = models.PositiveSmallIntegerField(_("figli a carico"), default=0)
    disabled_members = models.PositiveSmallIntegerField(_("componenti con disabilità"), default=0)
    life_support = models.BooleanField(
        _("componente con apparecchiature salvavita"),
        default=False,
        help_text=_("Rende la fornitura non disalimentabile (regole ARERA)."),
    )
    notes = models.TextField(_("note"), blank=True)

    objects = MunicipalityOnlyQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("nucleo familiare")
        verbose_name_plural = _("nuclei familiari")
        constraints = [
            models.CheckConstraint(condition=Q(size__gte=1), name="household_size_positive"),
            models.CheckConstraint(
                condition=Q(minors__lte=models.F("size")), name="household_minors_within_size"
            ),
            models.CheckConstraint(
                condition=Q(disabled_members__lte=models.F("size")),
                name="household_disabled_within_size",
            ),
        ]

    def __str__(self) -> str:
        return _("Nucleo n. %(pk)s") % {"pk": self.pk}

    def clean(self):
        errors = {}
        for field, message in (
            ("minors", _("I minori non possono essere più dei componenti.")),
            ("dependent_children", _("I figli a carico non possono essere più dei componenti.")),
            ("disabled_members", _("I componenti con disabilità non possono essere più dei componenti.")),
        ):
            if self.size is not None and (getattr(self, field) or 0) > self.size:
                errors[field] = message
        if errors:
            raise ValidationError(errors)


class BonusThreshold(models.Model):
    """ISEE threshold of the social bonus, valid for a period (data, not code)."""

    valid_from = models.DateField(_("valida dal"))
    valid_to = models.DateField(_("valida fino al"), null=True, blank=True)
    amount = MoneyField(_("soglia ISEE"))
    large_family_amount = MoneyField(_("soglia per almeno 4 figli a carico"))

    class Meta:
        verbose_name = _("soglia bonus sociale")
        verbose_name_plural = _("soglie bonus sociale")
        ordering = ["valid_from"]

    def __str__(self) -> str:
        return f"{self.valid_from:%Y} — {self.amount}"


class Isee(TimeStampedModel):
    household = models.ForeignKey(
        Household,
        on_delete=models.CASCADE,
        related_name="isee_declarations",
        verbose_name=_("nucleo"),
    )
    value = MoneyField(_("valore ISEE"))
    protocol = models.CharField(_("protocollo DSU"), max_length=60)
    issued_on = models.DateField(_("data di rilascio"))
    expires_on = models.DateField(_("scadenza"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("registrato da"),
    )

    objects = IseeQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("ISEE")
        verbose_name_plural = _("ISEE")
        ordering = ["-issued_on", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(value__gte=0), name="isee_value_not_negative"),
            models.CheckConstraint(
                condition=Q(expires_on__gt=models.F("issued_on")), name="isee_expires_after_issue"
            ),
            models.UniqueConstraint(
                fields=["household", "protocol"], name="isee_protocol_unique_per_household"
            ),
        ]

    def __str__(self) -> str:
        return f"ISEE {self.protocol}"


class FragilityLevel(models.TextChoices):
    LOW = "BASSA", _("bassa")
    MEDIUM = "MEDIA", _("media")
    HIGH = "ALTA", _("alta")
    VERY_HIGH = "MOLTO_ALTA", _("molto alta")


class SocialAssessment(TimeStampedModel):
    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="assessments", verbose_name=_("persona")
    )
    assessed_on = models.DateField(_("data"))
    operator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("operatore"),
    )
    fragility = models.CharField(_("livello di fragilità"), max_length=12, choices=FragilityLevel.choices)
    notes = models.TextField(_("note"), blank=True)

    objects = AssessmentQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("valutazione sociale")
        verbose_name_plural = _("valutazioni sociali")
        ordering = ["-assessed_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.person} — {self.assessed_on:%d/%m/%Y}"
