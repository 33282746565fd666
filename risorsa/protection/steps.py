"""The steps of protection that wait on an organization (coordination.steps)."""

from django.utils.translation import gettext_lazy as _

from risorsa.coordination.steps import register_step
from risorsa.organizations.access import WRITERS
from risorsa.organizations.models import OrganizationKind
from risorsa.protection.actions import ACTIONS

MUNICIPALITY, UTILITY = OrganizationKind.MUNICIPALITY, OrganizationKind.UTILITY

EVALUATE_REDUCTION = register_step(
    "valutare_riduzione",
    _("Valutare un cliente con la fornitura ridotta"),
    MUNICIPALITY,
    5,
    roles=WRITERS,  # the evaluation queue's "valutato" button (protection.views.evaluation_done)
)
CONTACT_AFTER_REDUCTION = register_step(
    "contatto_riduzione",
    _("Contattare il nucleo dopo una riduzione"),
    MUNICIPALITY,
    3,
    met_by=ACTIONS["contact"],
)
PROTECTION_REVIEW = register_step(
    "revisione_tutela", _("Rivedere la tutela"), MUNICIPALITY, 10, met_by=ACTIONS["review"]
)
INCIDENT = register_step(
    "incidente",
    _("Riattivare una fornitura sospesa per errore"),
    UTILITY,
    1,
    roles=WRITERS,  # the reconnection comes in the utility's events file, which its writers send
)
