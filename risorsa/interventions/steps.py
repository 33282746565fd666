"""The steps of spot interventions that wait on an organization (coordination.steps)."""

from django.utils.translation import gettext_lazy as _

from risorsa.coordination.steps import register_step
from risorsa.interventions.actions import ACTIONS
from risorsa.organizations.models import OrganizationKind

SPOT_SHARE = register_step(
    "quota_utente",
    _("Confermare il pagamento della quota utente"),
    OrganizationKind.UTILITY,
    10,
    met_by=ACTIONS["confirm"],
)
SPOT_AUTHORIZATION = register_step(
    "autorizzazione_contributo",
    _("Autorizzare il contributo del Comune"),
    OrganizationKind.MUNICIPALITY,
    5,
    met_by=ACTIONS["authorize"],  # the municipality's manager
)
