"""The steps of repayment plans that wait on an organization (coordination.steps)."""

from django.utils.translation import gettext_lazy as _

from risorsa.coordination.steps import register_step
from risorsa.organizations.models import OrganizationKind
from risorsa.repayment.actions import ACTIONS

PLAN_APPROVAL = register_step(
    "approvazione_piano",
    _("Approvare il piano di rientro"),
    OrganizationKind.UTILITY,
    5,
    met_by=ACTIONS["approve"],  # the utility's manager (who may also refuse it)
)
