"""What the municipality and the utility do to a repayment plan, declared once
(organizations.actions): the services check it, the detail page's buttons and the action view
read it. Forms are named, not imported: repayment.forms imports the services."""

from django.utils.translation import gettext_lazy as _

from risorsa.organizations.access import MANAGERS
from risorsa.organizations.actions import Action, Actions
from risorsa.organizations.models import OrganizationKind
from risorsa.repayment.models import PlanStatus, RepaymentPlan

MUNICIPALITY = (OrganizationKind.MUNICIPALITY,)
UTILITY = (OrganizationKind.UTILITY,)

ACTIONS = Actions(
    RepaymentPlan,
    subject="plan",
    url="repayment:action",
    whom=lambda plan: plan.customer.holder,
    actions=[
        Action(
            "propose",
            _("Invia al gestore"),
            kinds=MUNICIPALITY,
            statuses=[PlanStatus.DRAFT],
            done=_("Piano inviato al gestore per l'approvazione."),
        ),
        Action(
            "activate",
            _("Registra la firma e attiva"),
            kinds=MUNICIPALITY,
            statuses=[PlanStatus.APPROVED],
            form="risorsa.repayment.forms.SignatureForm",
            done=_("Piano attivo: le rate seguiranno i pagamenti comunicati dal gestore."),
        ),
        Action(
            "cancel",
            _("Annulla il piano"),
            kinds=MUNICIPALITY,
            statuses=[PlanStatus.DRAFT, PlanStatus.PROPOSED, PlanStatus.APPROVED],
            form="risorsa.repayment.forms.ReasonForm",
            done=_("Piano annullato."),
            danger=True,
            consequence=_(
                "Il piano è annullato e non si può riprendere: le sue fatture tornano libere per un "
                "nuovo piano o un altro strumento."
            ),
        ),
        Action(
            "approve",
            _("Approva il piano"),
            kinds=UTILITY,
            roles=MANAGERS,
            statuses=[PlanStatus.PROPOSED],
            done=_("Piano approvato."),
        ),
        Action(
            "refuse",
            _("Rifiuta"),
            kinds=UTILITY,
            roles=MANAGERS,
            statuses=[PlanStatus.PROPOSED],
            form="risorsa.repayment.forms.ReasonForm",
            done=_("Piano rifiutato."),
            danger=True,
            consequence=_(
                "Il piano è annullato: il Comune legge il motivo e può prepararne un altro; le sue "
                "fatture tornano libere."
            ),
        ),
    ],
)
