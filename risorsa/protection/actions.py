"""What the municipality does to a protection, declared once (organizations.actions): the services
check it, the detail page's buttons and the action view read it."""

from django.utils.translation import gettext_lazy as _

from risorsa.organizations.actions import Action, Actions
from risorsa.organizations.models import OrganizationKind
from risorsa.protection.models import OPEN_STATUSES, Protection, ProtectionStatus

MUNICIPALITY = (OrganizationKind.MUNICIPALITY,)

ACTIONS = Actions(
    Protection,
    subject="protection",
    url="protection:action",
    whom=lambda protection: protection.customer.holder,
    actions=[
        Action(
            "activate",
            _("Attiva la tutela"),
            kinds=MUNICIPALITY,
            statuses=[ProtectionStatus.PROPOSED, ProtectionStatus.SUSPENDED],
            form="risorsa.protection.forms.ActivateForm",
            done=_("Tutela attiva."),
        ),
        Action(
            "review",
            _("Registra la revisione"),
            kinds=MUNICIPALITY,
            statuses=[ProtectionStatus.ACTIVE],
            form="risorsa.protection.forms.ReviewForm",
            done=_("Revisione registrata."),
        ),
        Action(
            "suspend",
            _("Sospendi"),
            kinds=MUNICIPALITY,
            statuses=[ProtectionStatus.ACTIVE],
            form="risorsa.protection.forms.SuspendForm",
            done=_("Tutela sospesa."),
            danger=True,
            consequence=_(
                "Da oggi la tutela è sospesa, con il motivo che scrivi qui: resta sospesa finché "
                "non la riattivi."
            ),
        ),
        Action(
            "contact",
            _("Registra un contatto con il nucleo"),
            kinds=MUNICIPALITY,
            statuses=OPEN_STATUSES,
            form="risorsa.protection.forms.ContactForm",
            done=_("Contatto registrato."),
        ),
        Action(
            "end",
            _("Cessa la tutela"),
            kinds=MUNICIPALITY,
            statuses=OPEN_STATUSES,
            form="risorsa.protection.forms.EndForm",
            done=_("Tutela cessata."),
            danger=True,
            consequence=_(
                "Da oggi il cliente non è più tutelato e la tutela non si può riattivare: per "
                "tutelarlo di nuovo si propone una nuova tutela. La tutela cessata resta nella storia."
            ),
        ),
    ],
)
