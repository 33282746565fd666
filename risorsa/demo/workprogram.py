"""Risorsa Lavoro in the demo: the seed's two editions as the last two completed cycles, and the
current one with a few people at each stage of the pathway.

Every step goes through the work program's services, by the demo's users, on its own past day:
the steps of all the people of an edition are planned first, then run in the order of their days
(a new contract text flags the contracts signed before it, so the order matters). The people are
the demo's registry people (`risorsa.demo.people`), chosen to match the seed's table exactly; each
project amount is the sum of the unpaid bills the utility reported for the person before the
edition, and the hours they work become work credits that the utility's payments file settles.
"""

import heapq
import itertools
import math
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from risorsa.core.calendar import add_working_days, is_working_day, previous_working_day, working_days_between
from risorsa.demo.clock import Cycle, DemoClock
from risorsa.demo.ledger import DemoBill, DemoLedger, bills_file, italian_amount, payments_file, project_bills
from risorsa.demo.people import DemoPerson
from risorsa.ledger.models import Bill, Customer
from risorsa.workprogram import services
from risorsa.workprogram.models import CallOutcome, EndOutcome, FitnessOutcome, Timesheet, Track

NET_HOURLY = Decimal("7.50")  # the 2010 voucher: 10 € face value, 7,50 € to the worker
FACE_HOURLY = Decimal("10.00")
YEARLY_CAP = Decimal("5000.00")
INSTRUMENT = "Voucher INPS"
BUDGETS = (Decimal("18000.00"), Decimal("42000.00"), Decimal("45000.00"))
FIRST_TEXT = """\
Contratto sociale — progetto Risorsa Lavoro

Il Comune, il gestore e il partner del terzo settore si impegnano con l'intestatario a pagare con \
il lavoro l'importo del progetto: le ore approvate diventano accrediti sulle fatture del progetto.
L'intestatario si impegna a seguire il percorso (tutor, formazione, visita medica) e a lavorare \
secondo l'inserimento concordato."""


@dataclass(frozen=True)
class SeedEdition:
    """One row of the seed's table: its people by sex and citizenship, its arrears, and how the
    pathways ended (the rest completed)."""

    people: dict[tuple[str, bool], int]  # (sex, Italian) -> how many
    arrears: int  # euros, about
    not_fit: int
    withdrawn: int
    late_starts: int  # contracts signed months before the first work day (the seed's criticità)
    new_text_after: int  # a new contract text once this many contracts are signed (0: none)


SEED = (
    # 2009/10: 22 people, 14 men and 8 women, 10 Italian and 12 foreign, about 16.000 €
    SeedEdition({("M", True): 6, ("F", True): 4, ("M", False): 8, ("F", False): 4}, 16000, 2, 2, 3, 0),
    # 2010/11: 52 people, 35 men and 17 women, 31 Italian and 21 foreign, about 40.000 €
    SeedEdition({("M", True): 21, ("F", True): 10, ("M", False): 14, ("F", False): 7}, 40000, 4, 4, 0, 14),
)

# The pathway's steps in order, and the working days that usually separate each from the one before.
STEPS = ("refer", "accept", "reached", "tutor", "training", "visit", "activate", "prepare", "sign", "place")
GAP = {
    "accept": 3,
    "reached": 2,
    "tutor": 3,
    "training": 3,
    "visit": 3,
    "activate": 4,
    "prepare": 1,
    "sign": 3,
}
GAP["place"] = 5


def pathway(until: str, back: int) -> dict[str, int]:
    """The steps up to `until`, taken `back` working days before today, the others before it."""
    steps = {until: back}
    for step in reversed(STEPS[: STEPS.index(until)]):
        following = STEPS[STEPS.index(step) + 1]
        steps[step] = steps[following] + GAP[following]
    return steps


@dataclass(frozen=True)
class Stage:
    """A person of the current edition: where their pathway stands today."""

    label: str
    steps: dict[str, int]  # step -> working days before today
    visit: str = FitnessOutcome.FIT
    unanswered: tuple[int, ...] = ()  # calls nobody answered, working days before today
    track: str = Track.B
    pending_weeks: int = 0  # the last weeks' timesheets still waiting for the supervisor
    weekdays: tuple[int, ...] = ()  # the days of the week worked (Monday is 0), if not drawn
    euros: int = 0  # a small project, worked off already (0: drawn like the others)


CURRENT = (
    Stage("segnalata", pathway("refer", 2)),
    Stage("segnalata da giorni", pathway("refer", 9)),
    Stage("da chiamare", pathway("accept", 4)),
    Stage("non risponde", pathway("accept", 14), unanswered=(11, 6)),
    Stage("visita da fare", pathway("tutor", 6)),
    Stage("visita in ritardo", pathway("training", 18), unanswered=(24,)),
    Stage("da attivare", pathway("visit", 3)),
    Stage("attivazione in ritardo", pathway("visit", 16), visit=FitnessOutcome.FIT_WITH_LIMITS),
    Stage("contratto da firmare", pathway("prepare", 2)),
    Stage("firma in ritardo", pathway("prepare", 14)),
    Stage("in attesa del lavoro", pathway("sign", 5)),
    Stage("firmato da mesi, non ancora al lavoro", pathway("sign", 38)),
    # works Monday to Thursday: last week's hours, entered on Thursday, are still in time today
    Stage("al lavoro (A)", pathway("place", 33), track=Track.A, pending_weeks=1, weekdays=(0, 1, 2, 3)),
    Stage("al lavoro (B)", pathway("place", 28), pending_weeks=2),
    Stage("al lavoro (A), ore da approvare", pathway("place", 24), track=Track.A, pending_weeks=2),
    Stage("al lavoro (B)", pathway("place", 20)),
    Stage("non idoneo", {**pathway("visit", 10), "end": 8}, visit=FitnessOutcome.NOT_FIT),
    Stage("rifiutata", {**pathway("refer", 12), "reject": 0}),
    Stage("conclusa", pathway("place", 30), track=Track.A, euros=172),
)

SITES = {
    Track.A: [
        ("AEM — area del depuratore, Via Acquaviva", "Pulizia di aree verdi e piazzali"),
        ("AEM — parco della sede, Via Postumia", "Pulizia di aree verdi e piazzali"),
    ],
    Track.B: [
        ("Il Ponte — guardaroba solidale", "Sistemazione e consegna di vestiti"),
        ("Il Ponte — magazzino dei mobili", "Sistemazione e consegna di mobili"),
    ],
}
COURSES = {
    Track.A: ("Pulizia delle aree e dispositivi di protezione", Decimal(8)),
    Track.B: ("Accoglienza e relazione con le persone seguite", Decimal(6)),
}
SAFETY_COURSE = ("Sicurezza sul lavoro — formazione generale", Decimal(4))
NOTES = [
    "Disponibile al mattino.",
    "Ha già lavorato nelle pulizie.",
    "Disponibile dalle 9 alle 14: due figli alla scuola primaria.",
    "Preferisce attività all'aperto.",
    "Parla bene l'italiano; disponibile anche il sabato.",
    "Senza patente: sede raggiungibile in bicicletta.",
]
WITHDRAWALS = [
    "Ha trovato un lavoro a tempo pieno.",
    "Trasferito con la famiglia in un altro comune.",
    "Deve assistere un familiare: non riesce a garantire le presenze.",
]
COMMENTS = {
    5: [
        "Mi sono sentito utile e ho chiuso il debito con AEM.",
        "Esperienza molto positiva: i colleghi mi hanno accolto bene.",
        "Ho imparato un lavoro e rimesso a posto i conti di casa.",
    ],
    4: [
        "Buona esperienza; avrei voluto cominciare prima.",
        "Orari comodi e tutor sempre disponibile.",
        "Tutto bene, ma l'attesa per cominciare è stata lunga.",
    ],
    3: ["Il lavoro andava bene, i tempi delle pratiche troppo lunghi."],
}


@dataclass(eq=False)
class Participant:
    person: DemoPerson
    outcome: str = EndOutcome.COMPLETED  # completed editions; the current one has a stage
    stage: Stage | None = None
    cents: int = 0  # the project amount: what the unpaid bills before the edition add up to
    bills: list[DemoBill] = field(default_factory=list)
    referred_on: date | None = None
    late_start: bool = False
    track: str = Track.B
    note: str = ""
    # made by the services as the story runs
    edition: Any = None
    referral: Any = None
    contract: Any = None
    placement: Any = None
    timesheets: dict[date, Any] = field(default_factory=dict)  # by week


@dataclass
class Cast:
    """Who is in which edition (the two completed ones and the current one), with the day the
    utility extracted their unpaid bills before each."""

    cycles: tuple[Cycle, Cycle, Cycle]
    editions: tuple[list[Participant], list[Participant], list[Participant]]
    cutoffs: tuple[date, date, date]
    back: Callable[[int], date]  # the current edition's "n working days before today"

    def bills_from(self) -> dict[str, date]:
        """Each person's first bill after those of their project (which the utility reported
        before the edition): all of them are the utility's customers."""
        return {
            participant.person.codice_fiscale: cutoff + timedelta(days=1)
            for participants, cutoff in zip(self.editions, self.cutoffs, strict=True)
            for participant in participants
        }

    def in_progress(self) -> set[str]:
        return {participant.person.codice_fiscale for participant in self.editions[2]}

    def find_bills(self, ledger: DemoLedger) -> None:
        """The unpaid bills before each edition that make up each person's project."""
        for participants, cutoff in zip(self.editions, self.cutoffs, strict=True):
            for participant in participants:
                customer = ledger.customers[participant.person.codice_fiscale]
                rng = random.Random(f"{participant.person.codice_fiscale}-{cutoff.year}")
                participant.bills = project_bills(
                    ledger, customer, cutoff=cutoff, cents=participant.cents, rng=rng
                )


def cast_for(people: list[DemoPerson], clock: DemoClock, names: tuple[str, str] | None = None) -> Cast:
    """The seed's people exactly (by sex and citizenship) for the two completed editions, and one
    person for each stage of the current one; nobody in two editions."""
    rng = random.Random(2009)
    order = list(people)
    rng.shuffle(order)
    taken: set[str] = set()

    def pick(sex: str | None = None, italian: bool | None = None) -> DemoPerson:
        for person in order:
            if person.codice_fiscale in taken:
                continue
            if (sex is None or person.sex == sex) and (
                italian is None or (person.citizenship == "IT") == italian
            ):
                taken.add(person.codice_fiscale)
                return person
        raise ValueError("not enough demo people for the work program")

    editions: list[list[Participant]] = []
    for seed in SEED:
        participants = [
            Participant(pick(sex, italian))
            for (sex, italian), count in seed.people.items()
            for _ in range(count)
        ]
        rng.shuffle(participants)
        editions.append(participants)
    current = [Participant(pick("MF"[number % 2]), stage=stage) for number, stage in enumerate(CURRENT)]
    editions.append(current)
    cycles = clock.editions(names)
    back = _backwards(clock.today, cycles[2].starts_on)
    for seed, participants in zip(SEED, editions[:2], strict=True):
        _outcomes_and_amounts(seed, participants, rng)
    for participant in current:
        stage = participant.stage
        if stage.euros:
            participant.cents = stage.euros * 100 + rng.randrange(100)
        elif "place" in stage.steps:  # more than the weeks since they started pay off
            participant.cents = rng.randrange(120000, 160000)
        else:
            participant.cents = rng.randrange(30000, 130000)
        participant.referred_on = back(stage.steps["refer"])
    first_referral = min(participant.referred_on for participant in current)
    cutoffs = (
        cycles[0].cutoff,
        cycles[1].cutoff,
        previous_working_day(min(cycles[2].starts_on, first_referral) - timedelta(days=1)),
    )
    return Cast(cycles=cycles, editions=tuple(editions), cutoffs=cutoffs, back=back)


def _backwards(today: date, starts_on: date) -> Callable[[int], date]:
    """`n` working days before today; squeezed when the edition is only weeks old, so that its
    first referrals are no older than the days just before it started."""
    longest = max(max(stage.steps.values()) for stage in CURRENT)
    available = working_days_between(starts_on - timedelta(days=10), today)
    factor = min(1.0, available / longest)

    def back(days: int) -> date:
        if days == 0:
            return today
        return add_working_days(today, -max(1, round(days * factor)))

    return back


def _outcomes_and_amounts(seed: SeedEdition, participants: list[Participant], rng: random.Random) -> None:
    """How each pathway ends, and each project's amount: drawn, then scaled so that the edition's
    arrears are the seed's figure within a few parts in a thousand."""
    for participant in participants[: seed.not_fit]:
        participant.outcome = EndOutcome.NOT_FIT
    for participant in participants[seed.not_fit : seed.not_fit + seed.withdrawn]:
        participant.outcome = EndOutcome.WITHDRAWN
    for participant in participants[-seed.late_starts :] if seed.late_starts else ():
        participant.late_start = True
    weights = [rng.uniform(0.35, 1.9) for _ in participants]
    total = round(seed.arrears * 100 * (1 + rng.uniform(-0.004, 0.004)))
    scale = total / sum(weights)
    for participant, weight in zip(participants, weights, strict=True):
        participant.cents = int(weight * scale)
    participants[-1].cents += total - sum(participant.cents for participant in participants)


class WorkProgram:
    """The story of the editions, told through the services in the order of its days."""

    def __init__(self, *, members: dict, clock: DemoClock, cast: Cast, folder: Path, receive: Callable):
        self.clock = clock
        self.cast = cast
        self.folder = folder
        self.receive = receive  # (operator, kind, path, as_of) -> files imported
        self.municipality = members["comune.responsabile"].organization
        self.partner_organization = members["ponte.responsabile"].organization
        self.manager = members["comune.responsabile"].user
        self.social_worker = members["comune.operatore"].user
        self.partner = members["ponte.operatore"].user
        self.partner_manager = members["ponte.responsabile"].user
        self.utility_operator = members["aem.operatore"]
        self.queue: list[tuple[date, int, int, Callable, tuple]] = []
        self.order = itertools.count()
        self.activations = itertools.count(1)

    # ---- running --------------------------------------------------------------------------------

    def on(self, day: date, action: Callable, *args, rank: int = 1) -> None:
        """Do `action(*args)` on `day` (rank 0 before the people's steps of the day)."""
        if day > self.clock.today:
            raise ValueError(f"{action.__name__} on {day}: after today")
        heapq.heappush(self.queue, (day, rank, next(self.order), action, args))

    def run(self, progress: Callable[[], None] = lambda: None) -> None:
        while self.queue:
            _day, _rank, _order, action, args = heapq.heappop(self.queue)
            action(*args)
            progress()

    def steps(self) -> int:
        return len(self.queue)

    # ---- the editions ---------------------------------------------------------------------------

    def start(self) -> None:
        """The first contract text, before the first edition (later, a new text: see the second)."""
        first = self.cast.cycles[0]
        services.publish_contract_text(
            municipality=self.municipality,
            body=FIRST_TEXT,
            by=self.manager,
            on=previous_working_day(first.starts_on - timedelta(days=20)),
        )

    def plan_completed(self, index: int) -> Any:
        """An edition of the seed, from its referrals to its last questionnaire."""
        cycle, participants, seed = self.cast.cycles[index], self.cast.editions[index], SEED[index]
        edition = self._edition(index)
        self._referrals(edition, participants, self.cast.cutoffs[index])
        rng = random.Random(f"edizione-{cycle.starts_on.year}")
        span = working_days_between(cycle.starts_on, cycle.starts_on + timedelta(days=130))
        for number, participant in enumerate(participants):
            participant.referred_on = add_working_days(
                cycle.starts_on, 4 + number * span // len(participants) + rng.randrange(3)
            )
        signed = {participant: self._to_signature(participant, rng) for participant in participants}
        new_text = None
        if seed.new_text_after:
            days = sorted(day for day in signed.values() if day)
            new_text = add_working_days(days[seed.new_text_after - 1], 1)
            self.on(new_text, self._new_text, new_text, rank=0)
        limit, end_by = cycle.ends_on - timedelta(days=21), cycle.ends_on
        for participant in participants:
            sign = signed[participant]
            if sign is None:
                continue
            earliest = add_working_days(sign, 4)
            planned = add_working_days(sign, rng.randrange(4, 12))
            if participant.late_start:
                planned = add_working_days(sign, rng.randrange(45, 70))
            again = None
            if new_text and sign < new_text:
                again = add_working_days(new_text, rng.randrange(4, 30))
                if planned >= new_text:  # not at work yet: only once signed again, and late
                    earliest = add_working_days(again, 2)
                    planned = add_working_days(again, rng.randrange(10, 40))
            end = self._work(participant, rng, earliest=earliest, planned=planned, limit=limit, end_by=end_by)
            if again and (end is None or again < end):  # who left before is not asked to sign again
                self.on(again, self._sign, participant, again)
        return edition

    def plan_current(self) -> Any:
        """The current edition: one person at each stage, dated back from today."""
        edition = self._edition(2)
        participants, back = self.cast.editions[2], self.cast.back
        self._referrals(edition, participants, self.cast.cutoffs[2])
        rng = random.Random(f"edizione-{self.cast.cycles[2].starts_on.year}")
        for participant in participants:
            stage = participant.stage
            days = {step: back(ago) for step, ago in stage.steps.items()}
            self._steps(participant, days, rng, visit=stage.visit, track=stage.track)
            for ago in stage.unanswered:  # after the steps planned on the same day (the acceptance)
                self.on(back(ago), self._call, participant, back(ago), CallOutcome.NO_ANSWER)
            if "reject" in days:
                self.on(days["reject"], self._reject, participant)
            if "end" in days:
                self.on(days["end"], self._end, participant, days["end"], EndOutcome.NOT_FIT)
            if "place" in days:
                self._work(
                    participant,
                    rng,
                    earliest=days["place"],
                    limit=self.clock.today - timedelta(days=1),
                    end_by=self.clock.today,
                    hours=None if stage.euros else 10**6,  # the small project ends; the others go on
                    pending=stage.pending_weeks,
                    weekdays=stage.weekdays,
                )
        return edition

    def settle(self, edition, *, until: date) -> int:
        """The utility's payments file settling the edition's work credits made by `until`, each
        paid some working days after it was made (and before its last extraction)."""
        rng = random.Random(f"pagamenti-{edition.starts_on.year}")
        rows: list[tuple[date, str]] = []
        timesheets = (
            Timesheet.objects.filter(placement__referral__edition=edition, credit__isnull=False)
            .select_related("credit__customer")
            .order_by("credit__created_on", "credit__pk")
        )
        for timesheet in timesheets:
            credit = timesheet.credit
            if credit.created_on > until:
                continue
            paid = min(add_working_days(credit.created_on, rng.randrange(5, 20)), self.clock.extraction)
            paid = max(paid, credit.created_on)
            rows.append(
                (
                    paid,
                    f"PRL-{credit.reference};{credit.customer.code};;{paid:%d/%m/%Y};"
                    f"{italian_amount(int(credit.amount * 100))};PROGRAMMA;{credit.reference}",
                )
            )
        if not rows:
            return 0
        last = max(day for day, _row in rows)
        name = f"aem-pagamenti-lavoro-{edition.starts_on:%Y}-{last:%Y%m%d}.csv"
        path = payments_file(self.folder / name, [row for _day, row in rows])
        return self.receive(self.utility_operator, "pagamenti", path, last)

    # ---- planning -------------------------------------------------------------------------------

    def _edition(self, index: int):
        cycle = self.cast.cycles[index]
        return services.create_edition(
            municipality=self.municipality,
            partner=self.partner_organization,
            name=cycle.name,
            starts_on=cycle.starts_on,
            ends_on=cycle.ends_on,
            instrument=INSTRUMENT,
            face_hourly_value=FACE_HOURLY,
            net_hourly_value=NET_HOURLY,
            yearly_cap_per_worker=YEARLY_CAP,
            budget=BUDGETS[index],
            by=self.manager,
        )

    def _referrals(self, edition, participants: list[Participant], cutoff: date) -> None:
        """The utility's unpaid bills of the people about to be referred, then each referral."""
        path = bills_file(
            self.folder / f"aem-fatture-segnalati-{cutoff:%Y%m%d}.csv",
            [bill for participant in participants for bill in participant.bills],
        )
        self.on(cutoff, self.receive, self.utility_operator, "fatture", path, cutoff, rank=0)
        for number, participant in enumerate(participants):
            participant.edition = edition
            participant.note = NOTES[number % len(NOTES)]

    def _to_signature(self, participant: Participant, rng: random.Random) -> date | None:
        """A completed edition's pathway up to the contract's signature (None: not fit)."""
        days = {"refer": participant.referred_on}
        days["accept"] = add_working_days(days["refer"], rng.choice([1, 2, 2, 3, 4, 6, 8]))
        first_call = add_working_days(days["accept"], rng.randrange(1, 3))
        if rng.random() < 0.3:
            self.on(first_call, self._call, participant, first_call, CallOutcome.NO_ANSWER)
            first_call = add_working_days(first_call, rng.randrange(2, 6))
        days["reached"] = first_call
        days["tutor"] = add_working_days(days["reached"], rng.randrange(2, 7))
        days["training"] = add_working_days(days["tutor"], rng.randrange(3, 10))
        days["visit"] = add_working_days(days["reached"], rng.randrange(6, 22))
        if participant.outcome == EndOutcome.NOT_FIT:
            self._steps(participant, days, rng, visit=FitnessOutcome.NOT_FIT, track=Track.B)
            end = add_working_days(days["visit"], rng.randrange(1, 5))
            self.on(end, self._end, participant, end, EndOutcome.NOT_FIT)
            return None
        days["activate"] = add_working_days(max(days["visit"], days["training"]), rng.randrange(2, 12))
        days["prepare"] = add_working_days(days["activate"], rng.randrange(1, 4))
        days["sign"] = add_working_days(days["prepare"], rng.randrange(2, 12))
        visit = FitnessOutcome.FIT_WITH_LIMITS if rng.random() < 0.15 else FitnessOutcome.FIT
        self._steps(participant, days, rng, visit=visit, track=Track.A if rng.random() < 0.4 else Track.B)
        return days["sign"]

    def _steps(self, participant: Participant, days: dict[str, date], rng, *, visit: str, track: str) -> None:
        """The pathway's steps on their days, up to the contract's signature (those in `days`)."""
        participant.track = track
        plan = [
            ("refer", self._refer),
            ("accept", self._accept),
            ("reached", self._reached),
            ("tutor", self._tutor),
            ("training", self._training),
            ("visit", self._visit),
            ("activate", self._activate),
            ("prepare", self._prepare),
            ("sign", self._sign),
        ]
        for step, action in plan:
            if step in days:
                args = (visit,) if step == "visit" else ()
                self.on(days[step], action, participant, days[step], *args)
        if "tutor" in days and "sign" in days and rng.random() < 0.5:
            again = min(add_working_days(days["sign"], 1), self.clock.today)
            self.on(again, self._tutor, participant, again, "Colloquio di verifica prima dell'inserimento.")

    def _work(
        self,
        participant: Participant,
        rng: random.Random,
        *,
        earliest: date,
        limit: date,
        end_by: date,
        planned: date | None = None,
        hours: int | None = None,
        pending: int = 0,
        weekdays: tuple[int, ...] = (),
    ) -> date | None:
        """Placement from `planned` (not before `earliest`), weekly timesheets approved by the
        supervisor until the project's hours are done or the person withdraws, the end and the
        questionnaire; the day it ends (None: it goes on). `hours`: the hours to work, if not
        those the project amount needs (then the pathway goes on); no work after `limit`, no end
        after `end_by`, and the weeks of a pathway that goes on only once over (the partner
        enters a week at its end); the last `pending` weeks still wait for the supervisor."""
        needed = hours or math.ceil(Decimal(participant.cents) / 100 / NET_HOURLY)
        if participant.outcome == EndOutcome.WITHDRAWN:
            needed = max(8, needed // 3 + rng.randrange(12))
        per_day, days_a_week = rng.choice([(4, 3), (5, 3), (4, 4), (6, 3), (5, 4)])
        days_a_week = len(weekdays) or days_a_week
        start = max(earliest, planned or earliest)
        if hours is None:  # the hours must fit before `limit`: more a week if need be
            weeks = math.ceil(needed / (per_day * days_a_week)) + 1
            start = max(earliest, min(start, limit - timedelta(weeks=weeks)))
            room = (limit - start).days // 7 - 1
            if room < weeks - 1:
                days_a_week, per_day = 5, min(8, math.ceil(needed / (5 * max(1, room))))
        site, activity = SITES[participant.track][rng.randrange(2)]
        self.on(start, self._place, participant, start, site)
        weekly: list[tuple[date, dict[date, int]]] = []
        worked = 0
        monday = start - timedelta(days=start.weekday())
        while worked < needed and monday <= limit:
            offsets = weekdays or _weekdays(days_a_week)
            if hours is not None and monday + timedelta(days=max(offsets)) > limit:
                break  # this week is not over yet
            hours_of = {}
            for offset in offsets:
                day = monday + timedelta(days=offset)
                if worked < needed and start <= day <= limit and is_working_day(day):
                    hours_of[day] = per_day
                    worked += per_day
            if hours_of:
                weekly.append((monday, hours_of))
            monday += timedelta(weeks=1)
        approvals: list[date] = []
        for number, (monday, hours_of) in enumerate(weekly):
            last = max(hours_of)
            self.on(last, self._timesheet, participant, monday, hours_of, activity)
            approve = min(add_working_days(last, rng.choice([1, 1, 2, 2, 3, 4, 7])), end_by)
            if number >= len(weekly) - pending or approve > self.clock.today:
                continue
            approvals.append(approve)
            self.on(approve, self._approve, participant, monday, approve, rank=2)
        if hours is not None or not approvals:
            return None  # still at work
        end = min(add_working_days(max(approvals), rng.randrange(1, 6)), end_by)
        self.on(end, self._end, participant, end, participant.outcome, rank=3)
        if rng.random() < (0.9 if participant.outcome == EndOutcome.COMPLETED else 0.5):
            score = rng.choices([5, 4, 3], [55, 35, 10])[0]
            comment = rng.choice(COMMENTS[score])
            if participant.outcome == EndOutcome.WITHDRAWN:
                score, comment = min(score, 4), "Ho dovuto smettere, ma l'esperienza è stata utile."
            self.on(end, self._questionnaire, participant, score, comment, rank=4)
        return end

    # ---- the steps, each through its service ----------------------------------------------------

    def _refer(self, participant: Participant, day: date) -> None:
        customer = Customer.objects.get(utility=self.utility_operator.organization, code=_code(participant))
        bills = list(Bill.objects.filter(customer=customer, number__in=[b.number for b in participant.bills]))
        participant.referral = services.refer_person(
            edition=participant.edition,
            customer=customer,
            bills=bills,
            project_amount=sum((bill.residual for bill in bills), Decimal(0)),
            note_for_partner=participant.note,
            by=self.social_worker,
            on=day,
        )

    def _accept(self, participant: Participant, day: date) -> None:
        services.accept_referral(referral=participant.referral, by=self.partner, on=day)

    def _call(self, participant: Participant, day: date, outcome: str) -> None:
        note = "Telefono spento: richiamare." if outcome == CallOutcome.NO_ANSWER else ""
        services.record_call(
            referral=participant.referral, by=self.partner, on=day, outcome=outcome, note=note
        )

    def _reached(self, participant: Participant, day: date) -> None:
        self._call(participant, day, CallOutcome.REACHED)

    def _tutor(self, participant: Participant, day: date, note: str = "") -> None:
        services.record_tutor_meeting(
            referral=participant.referral,
            by=self.partner,
            on=day,
            note=note or "Primo colloquio: presentati il progetto e i suoi impegni.",
        )

    def _training(self, participant: Participant, day: date) -> None:
        for course, hours in (SAFETY_COURSE, COURSES[participant.track]):
            services.record_training(
                referral=participant.referral,
                by=self.partner,
                on=day,
                course=course,
                hours=hours,
                passed=True,
            )

    def _visit(self, participant: Participant, day: date, outcome: str) -> None:
        services.record_medical_visit(referral=participant.referral, by=self.partner, on=day, outcome=outcome)

    def _activate(self, participant: Participant, day: date) -> None:
        reference = f"INPS {day.year}-{next(self.activations):05d}"
        services.record_activation(
            referral=participant.referral, by=self.partner, on=day, reference=reference
        )

    def _prepare(self, participant: Participant, day: date) -> None:
        participant.contract = services.prepare_contract(
            referral=participant.referral, by=self.social_worker, on=day
        )

    def _sign(self, participant: Participant, day: date) -> None:
        services.sign_contract(contract=participant.contract, by=self.social_worker, signed_on=day)

    def _new_text(self, day: date) -> None:
        services.publish_contract_text(
            municipality=self.municipality, body=services.DEFAULT_CONTRACT_TEXT, by=self.manager, on=day
        )

    def _place(self, participant: Participant, day: date, site: str) -> None:
        participant.placement = services.place_person(
            referral=participant.referral, by=self.partner, track=participant.track, site=site, starts_on=day
        )

    def _timesheet(
        self, participant: Participant, monday: date, hours: dict[date, int], activity: str
    ) -> None:
        participant.timesheets[monday] = services.submit_timesheet(
            placement=participant.placement,
            by=self.partner,
            week_of=monday,
            hours={day: Decimal(value) for day, value in hours.items()},
            activity=activity,
        )

    def _approve(self, participant: Participant, monday: date, day: date) -> None:
        supervisor = self.utility_operator.user if participant.track == Track.A else self.partner_manager
        services.approve_timesheet(timesheet=participant.timesheets[monday], by=supervisor, on=day)

    def _end(self, participant: Participant, day: date, outcome: str) -> None:
        why = {
            EndOutcome.NOT_FIT: "Visita medica: non idoneo alle mansioni del progetto.",
            EndOutcome.WITHDRAWN: WITHDRAWALS[participant.person.household_key % len(WITHDRAWALS)],
        }.get(outcome, "")
        services.end_referral(
            referral=participant.referral, by=self.partner, outcome=outcome, on=day, why=why
        )

    def _questionnaire(self, participant: Participant, score: int, comment: str) -> None:
        services.record_questionnaire(
            referral=participant.referral, by=self.partner, satisfaction=score, comment=comment
        )

    def _reject(self, participant: Participant) -> None:
        services.reject_referral(
            referral=participant.referral,
            by=self.partner,
            why="La persona è già seguita da un altro progetto di inserimento lavorativo.",
        )


def _code(participant: Participant) -> str:
    return participant.bills[0].customer.code


def _weekdays(count: int) -> tuple[int, ...]:
    """The days of the week someone works `count` days: spread out (Monday is 0)."""
    return {3: (0, 2, 4), 4: (0, 1, 3, 4), 5: (0, 1, 2, 3, 4)}[count]
