"""What the municipality and the utility do to a spot intervention, declared once
(organizations.actions): the services check it, the detail page's buttons and the action view
read it."""

from django.utils.translation import gettext_lazy as _

from risorsa.interventions.models import InterventionStatus, SpotIntervention
from risorsa.organizations.access import MANAGERS
from risorsa.organizations.actions import Action, Actions
from risorsa.organizations.models import OrganizationKind

MUNICIPALITY = (OrganizationKind.MUNICIPALITY,)
UTILITY = (OrganizationKind.UTILITY,)

ACTIONS = Actions(
    SpotIntervention,
    subject="intervention",
    url="interventions:action",
    whom=lambda intervention: intervention.customer.holder,
    actions=[
        Action(
            "confirm",
            _("Conferma: l'utente ha pagato la sua quota"),
            kinds=UTILITY,
            statuses=[InterventionStatus.PROPOSED],
            done=_("Quota dell'utente confermata."),
        ),
        Action(
            "authorize",
            _("Autorizza il contributo"),
            kinds=MUNICIPALITY,
            roles=MANAGERS,
            statuses=[InterventionStatus.SHARE_PAID],
            done=_("Contributo autorizzato."),
        ),
        Action(
            "send",
            _("Crea l'accredito per il gestore"),
            kinds=MUNICIPALITY,
            statuses=[InterventionStatus.AUTHORIZED],
            done=_("Accredito creato: compare nell'elenco degli accrediti in transito per il gestore."),
        ),
        Action(
            "withdraw",
            _("Ritira l'intervento"),
            kinds=MUNICIPALITY,
            statuses=[  # until its credit is sent
                InterventionStatus.PROPOSED,
                InterventionStatus.SHARE_PAID,
                InterventionStatus.AUTHORIZED,
            ],
            form="risorsa.interventions.forms.WithdrawForm",
            done=_("Intervento ritirato: le fatture e il budget sono di nuovo liberi."),
            danger=True,
            consequence=_(
                "L'intervento è ritirato e non si può riprendere: le sue fatture e la sua parte del "
                "budget tornano libere."
            ),
        ),
        Action(
            "cancel",
            _("Annulla: quota mai pagata"),
            kinds=UTILITY,
            statuses=[InterventionStatus.PROPOSED],  # and once the share was due (services)
            form="risorsa.interventions.forms.CancelForm",
            done=_("Intervento annullato: le fatture sono di nuovo libere."),
            danger=True,
            consequence=_(
                "L'intervento è annullato perché l'utente non ha pagato la sua quota: le sue fatture "
                "tornano libere."
            ),
        ),
    ],
)
