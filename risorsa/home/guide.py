"""The Guida: what each role of an organization kind does in a week, after the seed's routine (the
daily contacts on urgent cases and reduced supplies, the reviews of the lists, the repayment plans,
the spot interventions, the work program, the monthly meeting of the three organizations).

A task names the page where it is done; the page is linked only for a member who may open it: the
pages of their own menu, and the few list pages every role of the kind opens from within the product.
"""

from dataclasses import dataclass

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from risorsa.organizations.context_processors import menu_entries
from risorsa.organizations.models import Membership, OrganizationKind, Role

DAILY, WEEKLY, MONTHLY = "giorno", "settimana", "mese"
RHYTHMS = {DAILY: _("Ogni giorno"), WEEKLY: _("Ogni settimana"), MONTHLY: _("Ogni mese")}


@dataclass(frozen=True)
class Task:
    """One thing a role does, how often, and where (a URL name without arguments, and the link's words)."""

    rhythm: str
    text: str | Promise
    page: str = ""
    link: str | Promise = ""


# Pages every role of the kind may open that the menu does not list (it reaches them from a page).
KIND_PAGES = {
    OrganizationKind.MUNICIPALITY: {
        "protection:evaluation-queue",
        "protection:incident-list",
        "coordination:sla-list",
        "workprogram:edition-list",
    },
    OrganizationKind.UTILITY: {"protection:incident-list", "coordination:sla-list"},
    OrganizationKind.PARTNER: {
        "protection:incident-list",
        "coordination:sla-list",
        "workprogram:placement-list",
        "workprogram:edition-list",
    },
}

INTRODUCTIONS = {
    OrganizationKind.MUNICIPALITY: _(
        "I Servizi Sociali decidono chi proteggere dalle sospensioni, propongono i piani di rientro e "
        "gli interventi spot, e segnalano al partner chi può ripagare il debito lavorando."
    ),
    OrganizationKind.UTILITY: _(
        "Il gestore manda fatture, pagamenti ed eventi dei contatori, consulta l'elenco dei clienti "
        "tutelati prima di ogni sospensione, approva i piani di rientro e segue il lavoro del percorso A."
    ),
    OrganizationKind.PARTNER: _(
        "Il partner accoglie le persone che il Comune segnala per Risorsa Lavoro, le accompagna nel "
        "percorso fino al lavoro e ne registra le ore."
    ),
}

MEETING = Task(
    MONTHLY,
    _(
        "Riunione mensile di Comune, gestore e partner: nuove segnalazioni, passaggi in ritardo, "
        "incidenti, piani decaduti, interventi in attesa, tutele da rivedere. Ogni decisione ha chi la "
        "porta avanti e una data."
    ),
)

ROUTINES: dict[str, dict[str, list[Task]]] = {
    OrganizationKind.MUNICIPALITY: {
        Role.OPERATOR: [
            Task(
                DAILY,
                _(
                    "Le scadenze del Comune, le più vecchie in cima: dopo una riduzione di potenza il "
                    "nucleo va contattato entro 3 giorni lavorativi."
                ),
                "coordination:todo",
                _("Apri Da fare"),
            ),
            Task(
                DAILY,
                _(
                    "I clienti con la fornitura ridotta o limitata devono venire al Comune: valuta chi si "
                    "presenta, proponi una tutela o segna «Valutato»."
                ),
                "protection:evaluation-queue",
                _("Apri i clienti da valutare"),
            ),
            Task(
                DAILY,
                _(
                    "Una fornitura protetta sospesa è un incidente: telefona al gestore perché la "
                    "riattivi in giornata. Le urgenze si risolvono con i contatti quotidiani tra le tre "
                    "organizzazioni."
                ),
                "protection:incident-list",
                _("Apri gli incidenti"),
            ),
            Task(
                WEEKLY,
                _("Aggiorna le persone che segui: nucleo familiare, ISEE, valutazione sociale."),
                "registry:person-list",
                _("Apri Persone"),
            ),
            Task(
                WEEKLY,
                _(
                    "Proponi i piani di rientro: una rata sostenibile e il debito chiuso entro un anno. "
                    "Segui le rate non pagate."
                ),
                "repayment:list",
                _("Apri i piani di rientro"),
            ),
            Task(
                WEEKLY,
                _(
                    "Per una difficoltà temporanea proponi un intervento spot: il cliente paga metà, il "
                    "Comune l'altra metà."
                ),
                "interventions:list",
                _("Apri gli interventi"),
            ),
            Task(
                WEEKLY,
                _(
                    "Segnala al partner chi può ripagare il debito lavorando e fai firmare il contratto "
                    "sociale con il suo piano di rientro."
                ),
                "workprogram:referral-list",
                _("Apri Risorsa Lavoro"),
            ),
            Task(
                WEEKLY,
                _("Dopo ogni file del gestore, verifica gli intestatari che non coincidono con l'anagrafe."),
                "ledger:registry-mismatches",
                _("Apri gli intestatari da verificare"),
            ),
            MEETING,
        ],
        Role.MANAGER: [
            Task(
                DAILY,
                _(
                    "Autorizza il contributo del Comune sugli interventi spot quando il gestore ha "
                    "confermato la quota dell'utente."
                ),
                "interventions:list",
                _("Apri gli interventi"),
            ),
            Task(
                DAILY,
                _("Guarda che cosa aspetta il Comune e da quanto: un ritardo ferma il gestore o il partner."),
                "coordination:todo",
                _("Apri Da fare"),
            ),
            Task(
                WEEKLY,
                _(
                    "Rivedi l'elenco delle tutele: resta contenuto (circa 130 nel 2010); chi non è più "
                    "in difficoltà esce dall'elenco con il motivo."
                ),
                "protection:list",
                _("Apri le tutele"),
            ),
            Task(
                WEEKLY,
                _("Controlla chi, nelle altre organizzazioni, ha letto i dati delle persone."),
                "registry:access-log",
                _("Apri il registro accessi"),
            ),
            Task(
                MONTHLY,
                _(
                    "Prima che un'edizione di Risorsa Lavoro cominci, concorda i tempi di ogni passaggio "
                    "con il gestore e il partner e registrali nell'edizione."
                ),
                "workprogram:edition-list",
                _("Apri le edizioni"),
            ),
            Task(
                MONTHLY,
                _("Aggiorna i tempi di risposta concordati (la tabella SLA) dopo la riunione."),
                "coordination:sla-list",
                _("Apri la tabella dei tempi"),
            ),
            Task(
                MONTHLY,
                _("Leggi i rapporti delle edizioni: persone coinvolte, ore lavorate, debito saldato."),
                "reports:edition-list",
                _("Apri i rapporti"),
            ),
            MEETING,
        ],
        Role.READER: [
            Task(
                DAILY,
                _("Consulta il cruscotto e le scadenze del Comune: puoi leggere tutto, non modificare."),
                "home:dashboard",
                _("Apri il cruscotto"),
            ),
            Task(
                WEEKLY,
                _(
                    "Consulta persone, tutele e piani di rientro per rispondere a chi chiama; per una "
                    "modifica rivolgiti a un operatore."
                ),
                "registry:person-list",
                _("Apri Persone"),
            ),
            Task(
                MONTHLY,
                _("Leggi i rapporti e porta alla riunione mensile le domande raccolte."),
                "reports:edition-list",
                _("Apri i rapporti"),
            ),
        ],
    },
    OrganizationKind.UTILITY: {
        Role.OPERATOR: [
            Task(
                DAILY,
                _(
                    "Prima di ogni sospensione consulta l'elenco dei clienti tutelati dal Comune (anche in "
                    "CSV): una fornitura tutelata o non disalimentabile non si sospende."
                ),
                "protection:utility-list",
                _("Apri i clienti tutelati"),
            ),
            Task(
                DAILY,
                _(
                    "Le scadenze del gestore: riattivare una fornitura sospesa per errore (entro un giorno "
                    "lavorativo), confermare la quota dell'utente, approvare le presenze."
                ),
                "coordination:todo",
                _("Apri Da fare"),
            ),
            Task(
                DAILY,
                _(
                    "Una fornitura protetta sospesa è un incidente: riattivala e avvisa il Comune. Le "
                    "urgenze si risolvono con i contatti quotidiani tra le tre organizzazioni."
                ),
                "protection:incident-list",
                _("Apri gli incidenti"),
            ),
            Task(
                WEEKLY,
                _(
                    "Carica i file di fatture, pagamenti ed eventi dei contatori e correggi le righe "
                    "scartate."
                ),
                "ledger:import-list",
                _("Apri le importazioni"),
            ),
            Task(
                WEEKLY,
                _("Conferma il pagamento della quota utente degli interventi spot."),
                "interventions:list",
                _("Apri gli interventi"),
            ),
            Task(
                WEEKLY,
                _(
                    "Approva le ore degli inserimenti lavorativi che il vostro personale segue "
                    "(percorso A): diventano un accredito sul debito."
                ),
                "workprogram:placement-list",
                _("Apri gli inserimenti lavorativi"),
            ),
            MEETING,
        ],
        Role.MANAGER: [
            Task(
                DAILY,
                _("Approva o respingi i piani di rientro che il Comune propone."),
                "repayment:list",
                _("Apri i piani di rientro"),
            ),
            Task(
                WEEKLY,
                _(
                    "Controlla il credito recuperato sui clienti seguiti: pagamenti, accrediti di lavoro e "
                    "contributi del Comune."
                ),
                "ledger:arrears",
                _("Apri Morosità"),
            ),
            Task(
                MONTHLY,
                _("Controlla i tempi di risposta concordati con il Comune (la tabella SLA)."),
                "coordination:sla-list",
                _("Apri la tabella dei tempi"),
            ),
            MEETING,
        ],
        Role.READER: [
            Task(
                DAILY,
                _("Consulta l'elenco dei clienti tutelati quando qualcuno prepara una sospensione."),
                "protection:utility-list",
                _("Apri i clienti tutelati"),
            ),
            Task(
                WEEKLY,
                _(
                    "Consulta morosità, piani di rientro e interventi per rispondere ai clienti: puoi "
                    "leggere tutto, non modificare."
                ),
                "ledger:arrears",
                _("Apri Morosità"),
            ),
        ],
    },
    OrganizationKind.PARTNER: {
        Role.OPERATOR: [
            Task(
                DAILY,
                _(
                    "Le scadenze del partner: accettare la segnalazione e chiamare la persona (5 giorni "
                    "lavorativi ciascuno), la visita medica (15), l'attivazione dello strumento di "
                    "lavoro (10)."
                ),
                "coordination:todo",
                _("Apri Da fare"),
            ),
            Task(
                DAILY,
                _(
                    "Registra il percorso di ogni persona: chiamate, incontri con il tutor, corsi, visita "
                    "medica (solo l'esito), attivazione."
                ),
                "workprogram:referral-list",
                _("Apri Risorsa Lavoro"),
            ),
            Task(
                WEEKLY,
                _(
                    "Inserisci le ore lavorate della settimana precedente per ogni inserimento e approva "
                    "quelle delle attività sociali (percorso B)."
                ),
                "workprogram:placement-list",
                _("Apri gli inserimenti lavorativi"),
            ),
            MEETING,
        ],
        Role.MANAGER: [
            Task(
                WEEKLY,
                _(
                    "Guarda i passaggi in ritardo del partner: ogni ritardo rimanda il primo giorno di "
                    "lavoro."
                ),
                "coordination:todo",
                _("Apri Da fare"),
            ),
            Task(
                MONTHLY,
                _("Prima che un'edizione cominci, concorda con il Comune i tempi di ogni passaggio."),
                "workprogram:edition-list",
                _("Apri le edizioni"),
            ),
            Task(
                MONTHLY,
                _(
                    "Leggi il rapporto dell'edizione: persone coinvolte, ore lavorate, accrediti, "
                    "soddisfazione."
                ),
                "reports:edition-list",
                _("Apri i rapporti"),
            ),
            MEETING,
        ],
        Role.READER: [
            Task(
                WEEKLY,
                _("Consulta i percorsi e gli inserimenti: puoi leggere tutto, non modificare."),
                "workprogram:referral-list",
                _("Apri Risorsa Lavoro"),
            ),
            Task(
                MONTHLY,
                _("Leggi i rapporti delle edizioni."),
                "reports:edition-list",
                _("Apri i rapporti"),
            ),
        ],
    },
}


def guide_for(*, membership: Membership) -> dict:
    """The Guida of the member's organization kind: each role's week, the member's own role first, and
    a link only to the pages this member may open."""
    kind = membership.organization.kind
    openable = {name for name, _label in menu_entries(membership)} | KIND_PAGES[kind]
    roles = sorted(Role, key=lambda role: role != membership.role)  # stable: the others keep their order
    return {
        "introduction": INTRODUCTIONS[kind],
        "roles": [
            {
                "role": role,
                "label": role.label,
                "yours": role == membership.role,
                "rhythms": [
                    {
                        "label": rhythm_label,
                        "tasks": [
                            {
                                "text": task.text,
                                "url": reverse(task.page) if task.page in openable else "",
                                "link": task.link,
                            }
                            for task in ROUTINES[kind][role]
                            if task.rhythm == rhythm
                        ],
                    }
                    for rhythm, rhythm_label in RHYTHMS.items()
                    if any(task.rhythm == rhythm for task in ROUTINES[kind][role])
                ],
            }
            for role in roles
        ],
    }
