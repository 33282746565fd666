"""The steps of protection that wait on an organization (coordination.steps)."""

from django.utils.translation import gettext_lazy as _

from risorsa.coordination.steps import register_step
from risorsa.organizations.models import OrganizationKind

MUNICIPALITY, UTILITY = OrganizationKind.MUNICIPALITY, OrganizationKind.UTILITY

EVALUATE_REDUCTION = register_step(
    "valutare_riduzione", _("Valutare un cliente con la fornitura ridotta"), MUNICIPALITY, 5
)
CONTACT_AFTER_REDUCTION = register_step(
    "contatto_riduzione", _("Contattare il nucleo dopo una riduzione"), MUNICIPALITY, 3
)
PROTECTION_REVIEW = register_step("revisione_tutela", _("Rivedere la tutela"), MUNICIPALITY, 10)
INCIDENT = register_step("incidente", _("Riattivare una fornitura sospesa per errore"), UTILITY, 1)
