"""The steps of the work program that wait on an organization (coordination.steps).

Each edition copies their days from its territory's SLA table when it is created, and the
partners agree them before it starts (the seed: "incontrarsi per definire le tempistiche").
"""

from django.utils.translation import gettext_lazy as _

from risorsa.coordination.steps import register_step
from risorsa.organizations.models import OrganizationKind
from risorsa.workprogram.actions import (
    CONTRACT_ACTIONS,
    PLACEMENT_ACTIONS,
    REFERRAL_ACTIONS,
    TIMESHEET_ACTIONS,
)

MUNICIPALITY, UTILITY, PARTNER = (
    OrganizationKind.MUNICIPALITY,
    OrganizationKind.UTILITY,
    OrganizationKind.PARTNER,
)

ACCEPT_REFERRAL = register_step(
    "accettare_segnalazione", _("Accettare la segnalazione"), PARTNER, 5, met_by=REFERRAL_ACTIONS["accept"]
)
FIRST_CALL = register_step(
    "primo_contatto", _("Chiamare la persona segnalata"), PARTNER, 5, met_by=REFERRAL_ACTIONS["call"]
)
MEDICAL_VISIT = register_step(
    "visita_medica", _("Fare la visita medica"), PARTNER, 15, met_by=REFERRAL_ACTIONS["medical"]
)
ACTIVATION = register_step(
    "attivazione_voucher",
    _("Attivare lo strumento di lavoro"),
    PARTNER,
    10,
    met_by=REFERRAL_ACTIONS["activate"],
)
SIGN_CONTRACT = register_step(
    "firma_contratto",
    _("Far firmare il contratto sociale"),
    MUNICIPALITY,
    10,
    met_by=CONTRACT_ACTIONS["sign"],
)
FIRST_WORK_DAY = register_step(
    "primo_giorno_lavoro",
    _("Dal contratto al primo giorno di lavoro"),
    PARTNER,
    15,
    met_by=PLACEMENT_ACTIONS["timesheet"],  # the first week's hours say the work began
)
APPROVE_TIMESHEET = register_step(
    "approvare_presenze", _("Approvare le presenze"), UTILITY, 5, met_by=TIMESHEET_ACTIONS["approve"]
)
RESIGN_CONTRACT = register_step(
    "rifirmare_contratto",
    _("Far firmare di nuovo il contratto sociale (nuovo testo)"),
    MUNICIPALITY,
    20,
    met_by=CONTRACT_ACTIONS["sign"],
)

# The edition's agreed timings, in the order of the pathway.
EDITION_STEPS = (
    ACCEPT_REFERRAL,
    FIRST_CALL,
    MEDICAL_VISIT,
    ACTIVATION,
    SIGN_CONTRACT,
    FIRST_WORK_DAY,
    APPROVE_TIMESHEET,
    RESIGN_CONTRACT,
)
