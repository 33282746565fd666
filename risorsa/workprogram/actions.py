"""What each organization may do in the work program, declared once (organizations.actions)."""

from django.utils.translation import gettext_lazy as _

from risorsa.organizations.access import MANAGERS
from risorsa.organizations.actions import Action, Actions
from risorsa.organizations.models import OrganizationKind
from risorsa.workprogram.models import (
    ContractStatus,
    Placement,
    Referral,
    ReferralStatus,
    SocialContract,
    Timesheet,
    TimesheetStatus,
)

MUNICIPALITY, UTILITY, PARTNER = (
    (OrganizationKind.MUNICIPALITY,),
    (OrganizationKind.UTILITY,),
    (OrganizationKind.PARTNER,),
)
FORMS = "risorsa.workprogram.forms."


def supervisor(timesheet, membership) -> bool:
    """Hours are approved by the organization supervising the placement (A: utility, B: partner)."""
    return timesheet.placement.supervisor_id == membership.organization_id


ON_PATHWAY = (ReferralStatus.ACCEPTED, ReferralStatus.WORKING)

REFERRAL_ACTIONS = Actions(
    Referral,
    subject="referral",
    url="workprogram:referral-action",
    actions=[
        Action(
            "accept",
            _("Accetta la segnalazione"),
            kinds=PARTNER,
            statuses=[ReferralStatus.REFERRED],
            done=_("Segnalazione accettata: chiama la persona entro i tempi dell'edizione."),
        ),
        Action(
            "reject",
            _("Rifiuta la segnalazione"),
            kinds=PARTNER,
            statuses=[ReferralStatus.REFERRED],
            form=FORMS + "ReasonForm",
            danger=True,
            consequence=_(
                "La persona non entra nel programma con questa segnalazione: il Comune legge il "
                "motivo e le fatture del progetto tornano libere."
            ),
            done=_("Segnalazione rifiutata: il Comune ne legge il motivo."),
        ),
        Action(
            "call",
            _("Registra una chiamata"),
            kinds=PARTNER,
            statuses=ON_PATHWAY,
            form=FORMS + "CallForm",
            done=_("Chiamata registrata."),
        ),
        Action(
            "tutor",
            _("Registra un incontro con il tutor"),
            kinds=PARTNER,
            statuses=ON_PATHWAY,
            form=FORMS + "TutorMeetingForm",
            done=_("Incontro registrato."),
        ),
        Action(
            "training",
            _("Registra un corso di formazione"),
            kinds=PARTNER,
            statuses=ON_PATHWAY,
            form=FORMS + "TrainingForm",
            done=_("Corso registrato."),
        ),
        Action(
            "medical",
            _("Registra la visita medica"),
            kinds=PARTNER,
            statuses=ON_PATHWAY,
            form=FORMS + "MedicalVisitForm",
            help=_("Solo l'esito: nessuna diagnosi va scritta in Risorsa."),
            done=_("Visita medica registrata."),
        ),
        Action(
            "activate",
            _("Registra l'attivazione dello strumento"),
            kinds=PARTNER,
            statuses=ON_PATHWAY,
            form=FORMS + "ActivationForm",
            done=_("Strumento attivato."),
        ),
        Action(
            "contract",
            _("Prepara il contratto sociale"),
            kinds=MUNICIPALITY,
            statuses=ON_PATHWAY,
            form=FORMS + "ContractForm",
            help=_("Copre tutta la morosità: il progetto, le fatture scadute nel piano, le nuove bollette."),
            done=_("Contratto preparato: stampalo per la firma."),
        ),
        Action(
            "place",
            _("Inserisci al lavoro"),
            kinds=PARTNER,
            statuses=ON_PATHWAY,
            form=FORMS + "PlacementForm",
            done=_("Inserimento registrato: ora si possono inserire le presenze."),
        ),
        Action(
            "end",
            _("Concludi il percorso"),
            kinds=PARTNER + MUNICIPALITY,
            statuses=ON_PATHWAY,
            form=FORMS + "EndForm",
            danger=True,
            consequence=_(
                "Il percorso si conclude e non si può riprendere: gli accrediti già fatti restano, "
                "le fatture che il progetto non ha pagato tornano libere."
            ),
            done=_("Percorso concluso: le fatture non pagate tornano libere."),
        ),
        Action(
            "questionnaire",
            _("Registra il questionario di gradimento"),
            kinds=PARTNER,
            statuses=[ReferralStatus.ENDED],
            form=FORMS + "QuestionnaireForm",
            done=_("Questionario registrato."),
        ),
        Action(
            "revoke",
            _("Revoca la segnalazione"),
            kinds=MUNICIPALITY,
            statuses=[ReferralStatus.REFERRED, ReferralStatus.ACCEPTED],
            form=FORMS + "ReasonForm",
            danger=True,
            consequence=_(
                "La segnalazione è revocata prima di ogni lavoro: il partner non la segue più e le "
                "fatture del progetto tornano libere."
            ),
            done=_("Segnalazione revocata."),
        ),
    ],
)

CONTRACT_ACTIONS = Actions(
    SocialContract,
    subject="contract",
    url="workprogram:contract-action",
    back=lambda contract: contract.referral.get_absolute_url(),
    actions=[
        Action(
            "sign",
            _("Registra la firma"),
            kinds=MUNICIPALITY,
            statuses=[ContractStatus.TO_SIGN, ContractStatus.TO_RESIGN],
            form=FORMS + "SignatureForm",
            done=_("Firma registrata."),
        ),
    ],
)

PLACEMENT_ACTIONS = Actions(
    Placement,
    subject="placement",
    url="workprogram:placement-action",
    actions=[
        Action(
            "timesheet",
            _("Inserisci le ore della settimana"),
            kinds=PARTNER,
            form=FORMS + "WeekForm",
            done=_("Presenze inviate: le approva chi supervisiona."),
        ),
    ],
)

TIMESHEET_ACTIONS = Actions(
    Timesheet,
    subject="timesheet",
    url="workprogram:timesheet-action",
    whom=lambda timesheet: timesheet.placement.referral.customer.holder,
    back=lambda timesheet: timesheet.placement.get_absolute_url(),
    actions=[
        Action(
            "approve",
            _("Approva le ore"),
            kinds=UTILITY + PARTNER,
            statuses=[TimesheetStatus.SUBMITTED],
            party=supervisor,
            done=_("Ore approvate: l'accredito lavoro è in transito."),
        ),
        Action(
            "reject",
            _("Respingi"),
            kinds=UTILITY + PARTNER,
            statuses=[TimesheetStatus.SUBMITTED],
            form=FORMS + "ReasonForm",
            danger=True,
            consequence=_(
                "Le ore della settimana non diventano un accredito: tornano al partner, con il "
                "motivo, perché le inserisca di nuovo."
            ),
            party=supervisor,
            done=_("Presenze respinte."),
        ),
    ],
)

EDITION_MANAGERS = MANAGERS  # editions, timings and contract texts are the municipality manager's
