"""Reads of the ledger, scoped to the member in the query."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.db.models import (
    Count,
    DecimalField,
    Exists,
    F,
    FilteredRelation,
    Max,
    Min,
    Model,
    OrderBy,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    TextField,
    Value,
    Window,
)
from django.db.models.functions import Cast, Coalesce, RowNumber
from django.shortcuts import get_object_or_404
from django.utils import formats, timezone
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from risorsa.core.money import quantize
from risorsa.ledger import figures
from risorsa.ledger.importing import reasons
from risorsa.ledger.matters import Matter, followed, matters
from risorsa.ledger.models import (
    Allocation,
    Arrears,
    Bill,
    BillHold,
    Credit,
    CreditStatus,
    Customer,
    ImportRun,
    Payment,
    RegistryMismatch,
    SupplyPoint,
)
from risorsa.organizations.models import Membership, OrganizationKind
from risorsa.registry.models import Person
from risorsa.registry.text import fold

MONEY: DecimalField = DecimalField(max_digits=12, decimal_places=2)
ZERO = Value(Decimal("0.00"), output_field=MONEY)


def balance_of(customer: str = "pk") -> Coalesce:
    """A customer's balance as a subquery expression, read from the figures the ledger keeps
    (`Arrears`: unpaid residuals - credits in transit); nothing owed and nothing in transit: 0.

    `customer` names the field that holds the customer's id in the outer query.
    """
    kept = Arrears.objects.filter(customer=OuterRef(customer), service=Arrears.ALL).values("balance")[:1]
    return Coalesce(Subquery(kept, output_field=MONEY), ZERO)


def balance_for(*, customer: Customer) -> Decimal:
    """One customer's balance now (the same figures as the customer page and the lists)."""
    return quantize(
        Arrears.objects.filter(customer=customer, service=Arrears.ALL)
        .values_list("balance", flat=True)
        .first()
    )


@dataclass(frozen=True)
class AgeingBucket:
    """Unpaid residuals by days past due: more than `low` days (None: from any day, not yet due
    included) and at most `high` (None: without end)."""

    key: str  # the value of the list's filter
    field: str  # the name of the amount annotated on each customer
    low: int | None
    high: int | None
    label: Promise

    def due_on(self, on: date) -> Q:
        """The bills in this bucket on day `on`: low < on - due_on <= high."""
        condition = Q()
        if self.high is not None:
            condition &= Q(due_on__gte=on - timedelta(days=self.high))
        if self.low is not None:
            condition &= Q(due_on__lt=on - timedelta(days=self.low))
        return condition


AGEING_BUCKETS = (
    AgeingBucket("0-30", "aged_0_30", None, 30, _("0-30 giorni")),
    AgeingBucket("31-90", "aged_31_90", 30, 90, _("31-90 giorni")),
    AgeingBucket("91-180", "aged_91_180", 90, 180, _("91-180 giorni")),
    AgeingBucket("180+", "aged_180", 180, None, _("oltre 180 giorni")),
)
BUCKETS = tuple(bucket.key for bucket in AGEING_BUCKETS)


def ageing_date() -> date:
    """The day ageing is counted on: today in Rome, whatever day the utility extracted its bills.

    A bill extracted a month ago and due 80 days ago is 80 days past due today, not 50.
    """
    return timezone.localdate()


def ageing_heading(on: date) -> str:
    """What the ageing columns, the filter and the customer page are titled: the day they count on."""
    return gettext("Anzianità al %(day)s") % {"day": formats.date_format(on, "SHORT_DATE_FORMAT")}


def _unpaid_bills(*, customer: str, service: str) -> QuerySet[Bill]:
    bills = Bill.objects.filter(customer=OuterRef(customer), closed_on__isnull=True, residual__gt=0)
    return bills.filter(supply_point__service=service) if service else bills


def aged_amounts(*, on: date, service: str = "", customer: str = "pk") -> dict[str, Coalesce]:
    """Each ageing bucket's unpaid residuals on day `on`, as subqueries to annotate a customer
    with (`customer` names the field holding the customer's id); every reader of ageing (the
    list, its exports, the customer page) annotates these.

    Computed from the open bills at each read, for the rows read: which bucket a bill is in
    changes every day, so it cannot be kept with the figures an import refreshes.
    """
    bills = _unpaid_bills(customer=customer, service=service).order_by().values("customer")
    return {
        bucket.field: Coalesce(
            Subquery(
                bills.filter(bucket.due_on(on)).annotate(total=Sum("residual")).values("total"),
                output_field=MONEY,
            ),
            ZERO,
        )
        for bucket in AGEING_BUCKETS
    }


def owing_in(bucket: AgeingBucket, *, on: date, service: str = "", figures: str = "figures") -> Q:
    """Customers with something unpaid in `bucket` on day `on`. `figures` names their kept
    figures (`Arrears`) in the query: the oldest due date alone decides the last bucket and rules
    out, through its index, the customers none of whose bills is old enough for the others."""
    condition = Q()
    if bucket.low is not None:
        condition &= Q(**{f"{figures}__oldest_due__lt": on - timedelta(days=bucket.low)})
    if bucket.high is not None:
        condition &= Q(Exists(_unpaid_bills(customer="pk", service=service).filter(bucket.due_on(on))))
    return condition


def import_runs_for(*, membership: Membership | None) -> QuerySet[ImportRun]:
    """The import history the member may see, newest first."""
    return ImportRun.objects.visible_to(membership).select_related("utility", "started_by")


def get_import_run_for(*, membership: Membership | None, pk: int) -> ImportRun:
    """One import the member may see; 404 otherwise."""
    return get_object_or_404(import_runs_for(membership=membership), pk=pk)


@dataclass(frozen=True)
class IssueGroup:
    """The invalid rows of a file that share a column and a reason: how many, and the first lines."""

    column: str
    reason: str
    count: int
    lines: list[int]
    params: dict | None  # the rows' parameters, when they all have the same

    @property
    def text(self) -> str:
        """The reason in the reader's language; with parameters that differ from row to row, what
        the rows have in common (each row's own stays in the rows' table and their CSV)."""
        if self.params is None and reasons.has_parameters(self.reason):
            return reasons.summary(self.reason)
        return reasons.text(self.reason, self.params)

    @property
    def more(self) -> int:
        return self.count - len(self.lines)


def import_issue_groups(*, run: ImportRun, lines: int = 10) -> list[IssueGroup]:
    """A rejected file's invalid rows grouped by column and reason, the most frequent first, each
    with its first `lines` line numbers: one query, whatever the number of rows."""
    group = [F("column"), F("reason")]
    params = Cast("params", TextField())
    rows = (
        run.issues.annotate(
            rank=Window(RowNumber(), partition_by=group, order_by=[F("line").asc(), F("pk").asc()]),
            total=Window(Count("pk"), partition_by=group),
            lowest=Window(Min(params), partition_by=group),
            highest=Window(Max(params), partition_by=group),
        )
        .filter(rank__lte=lines)
        .order_by("column", "reason", "line", "pk")
        .values_list("column", "reason", "line", "total", "params", "lowest", "highest")
    )
    groups: dict[tuple[str, str], IssueGroup] = {}
    for column, reason, line, total, stored, lowest, highest in rows:
        key = (column, reason)
        if key not in groups:
            shared = stored if lowest == highest else None
            groups[key] = IssueGroup(column, reason, total, [], shared)
        groups[key].lines.append(line)
    return sorted(groups.values(), key=lambda group: (-group.count, group.lines[0]))


@dataclass
class CustomerAccount:
    customer: Customer
    open_bills: list[Bill]
    closed_bills: list[Bill]
    payments: list[Payment]
    credits: list[Credit]
    unpaid: Decimal
    in_transit: Decimal
    balance: Decimal
    aged_on: date
    aging: dict[AgeingBucket, Decimal]


def get_customer_account_for(*, membership: Membership | None, pk: int) -> CustomerAccount:
    """A customer's page: supply points, bills, payments, credits, balance and aging (fixed queries)."""
    on = ageing_date()
    customer = get_object_or_404(
        Customer.objects.visible_to(membership)
        .select_related("person", "utility")
        .annotate(**aged_amounts(on=on))
        .prefetch_related(
            Prefetch("supply_points", queryset=SupplyPoint.objects.order_by("service", "code")),
            Prefetch(
                "bills", queryset=Bill.objects.select_related("supply_point").order_by("-due_on", "-pk")
            ),
            Prefetch(
                "payments",
                queryset=Payment.objects.order_by("-paid_on", "-pk").prefetch_related(
                    Prefetch("allocations", queryset=Allocation.objects.select_related("bill").order_by("pk"))
                ),
            ),
            Prefetch("credits", queryset=Credit.objects.order_by("-created_on", "-pk")),
            Prefetch("arrears", queryset=Arrears.objects.filter(service=Arrears.ALL), to_attr="kept_figures"),
        ),
        pk=pk,
    )
    bills = list(customer.bills.all())
    open_bills = [bill for bill in bills if bill.closed_on is None and bill.residual > 0]
    closed_bills = [bill for bill in bills if bill not in open_bills]
    # The totals are the kept figures, the ones the lists, the exports and the dashboard read.
    kept = next(iter(customer.kept_figures), None)
    zero = Decimal("0.00")
    return CustomerAccount(
        customer=customer,
        open_bills=open_bills,
        closed_bills=closed_bills,
        payments=list(customer.payments.all()),
        credits=list(customer.credits.all()),
        unpaid=kept.unpaid if kept else zero,
        in_transit=kept.in_transit if kept else zero,
        balance=kept.balance if kept else zero,
        aged_on=on,
        aging={bucket: getattr(customer, bucket.field) for bucket in AGEING_BUCKETS},
    )


SORTS = {
    "saldo": ("-figures__balance", "code"),
    "-saldo": ("figures__balance", "code"),
    "scadenza": ("figures__oldest_due", "code"),
    "nome": ("holder_surname", "holder_name", "code"),
    "codice": ("code",),
}


def arrears_for(
    *,
    membership: Membership | None,
    service: str = "",
    bucket: str = "",
    minimum: Decimal | None = None,
    maximum: Decimal | None = None,
    query: str = "",
    sort: str = "saldo",
    on: date | None = None,
) -> QuerySet[Customer]:
    """Customers with a positive balance (unpaid residuals - credits in transit), read from the
    figures the ledger keeps (`Arrears`), with their ageing on day `on` (default: today); with a
    service, that service's open bills less all the customer's credits in transit; with a query,
    those it finds (`_searched`).
    """
    on = on or ageing_date()
    # One filter() for every condition on the figures: each further filter() on a multi-valued
    # relation would join its rows once more.
    conditions: dict[str, object] = {"figures__balance__gt": 0}
    ageing = Q()
    if bucket in BUCKETS:
        ageing = owing_in(AGEING_BUCKETS[BUCKETS.index(bucket)], on=on, service=service)
    if minimum is not None:
        conditions["figures__balance__gte"] = minimum
    if maximum is not None:
        conditions["figures__balance__lte"] = maximum
    customers = (
        _searched(Customer.objects.visible_to(membership), membership=membership, query=query)
        .select_related("person", "utility")
        .annotate(figures=FilteredRelation("arrears", condition=Q(arrears__service=service or Arrears.ALL)))
        .filter(ageing, **conditions)
        .annotate(
            unpaid=F("figures__unpaid"),
            in_transit=F("figures__in_transit"),
            balance=F("figures__balance"),
            oldest_due=F("figures__oldest_due"),
            **aged_amounts(on=on, service=service),
        )
    )
    keys = SORTS.get(sort, SORTS["saldo"])
    return customers.order_by(*(_sorted_after_finding(key) for key in keys) if query.strip() else keys)


def _sorted_after_finding(key: str) -> OrderBy:
    """A sort key of `SORTS` as an expression no index keeps in order (COALESCE(x, x) is x).

    A search finds a few customers of a territory's hundred thousand, and the database cannot
    tell how few: ordered by a column an index keeps (the balance, the name), it walks that index
    for the 25 rows of a page, testing each customer against the search, and a search that finds
    one customer walks them all (0.7 s at 100,000). Sorted by this, the customers are found first
    (a scan of the customers and their people, about 80 ms) and only they are sorted."""
    field = key.removeprefix("-")
    expression = Coalesce(F(field), F(field))
    return expression.desc() if key.startswith("-") else expression.asc()


def _searched(
    customers: QuerySet[Customer], *, membership: Membership | None, query: str
) -> QuerySet[Customer]:
    """The customers a search finds: by customer code, by codice fiscale (whole or its first
    characters, in any case), or by every word typed in the holder's surname and name.

    The names searched are the holder's as the utility's files give them; a municipality also
    finds a holder by their name in its registry. A utility never does: a search must not tell it
    what the registry knows and its files did not say (DOMAIN.md; tests/test_utility_learns_nothing).
    """
    words = query.split()
    if not words:
        return customers
    code = query.strip()
    found = Q(code__in={code, code.upper()}) | Q(
        person__in=Person.objects.filter(codice_fiscale__startswith="".join(words).upper()).values("pk")
    )
    registry = membership is not None and membership.organization.kind == OrganizationKind.MUNICIPALITY
    names = Q()
    for word in words:
        name = Q(holder_surname__icontains=word) | Q(holder_name__icontains=word)
        if registry:
            name |= Q(person__in=Person.objects.filter(search_text__contains=fold(word)).values("pk"))
        names &= name
    # The people's conditions as subqueries (the people they find, hashed once), not on a join
    # of every customer to their person: the search reads each table once, by itself.
    return customers.filter(found | names)


def arrears_count_for(
    *,
    membership: Membership | None,
    service: str = "",
    bucket: str = "",
    minimum: Decimal | None = None,
    maximum: Decimal | None = None,
    query: str = "",
    on: date | None = None,
) -> int:
    """How many customers `arrears_for` lists with these criteria, remembered per version of the
    figures and per day (the ageing filter moves with the date; counting a territory's debtors
    costs tens of milliseconds; re-reading it, one). A search is counted as it comes: what someone
    typed (a codice fiscale) is not kept in the cache."""
    on = on or ageing_date()
    if query.strip():
        return arrears_for(
            membership=membership,
            service=service,
            bucket=bucket,
            minimum=minimum,
            maximum=maximum,
            query=query,
            on=on,
        ).count()
    organization = membership.organization_id if membership else None
    return figures.remembered(
        ("arrears", organization, service, bucket, repr(minimum), repr(maximum), on.isoformat()),
        lambda: arrears_for(
            membership=membership, service=service, bucket=bucket, minimum=minimum, maximum=maximum, on=on
        ).count(),
    )


def credits_in_transit_for(*, membership: Membership | None) -> QuerySet[Credit]:
    """Credits the utility has not yet reported as applied, for the CSV it applies them from."""
    customers = Customer.objects.visible_to(membership)
    return (
        Credit.objects.filter(status=CreditStatus.IN_TRANSIT, customer__in=customers)
        .select_related("customer", "bill")
        .order_by("created_on", "reference")
    )


def allocations_counted_by(*, holder: Model, by_customer_only: bool = True) -> QuerySet[Allocation]:
    """The allocations an instrument counts: to the bills it held on the day of the payment.

    Holds of one bill never overlap in time, so each allocated cent is counted by at most one
    instrument. `by_customer_only` leaves out the settlements of program credits: an installment
    or a customer's share is paid by the customer, not by a contribution.
    """
    paid_on = OuterRef("payment__paid_on")
    held = (
        BillHold.objects.of(holder)
        .filter(bill=OuterRef("bill"), held_on__lte=paid_on)
        .filter(Q(released_on__isnull=True) | Q(released_on__gt=paid_on))
    )
    allocations = Allocation.objects.filter(Exists(held)).select_related("payment")
    if by_customer_only:
        allocations = allocations.filter(payment__credit__isnull=True)
    return allocations.order_by("payment__paid_on", "payment_id", "pk")


def held_bills(*, holder: Model) -> QuerySet[Bill]:
    """The bills an instrument holds now, oldest due first."""
    return (
        Bill.objects.filter(holds__in=BillHold.objects.of(holder).current())
        .select_related("supply_point")
        .order_by("due_on", "pk")
    )


def open_bills_free_for(*, customer: Customer, holder: Model | None = None) -> QuerySet[Bill]:
    """A customer's open bills that no instrument holds (or that `holder` itself holds), oldest due first."""
    held = BillHold.objects.current().filter(bill=OuterRef("pk"))
    if holder is not None:
        held = held.exclude(pk__in=BillHold.objects.of(holder))
    return (
        Bill.objects.filter(customer=customer, closed_on__isnull=True, residual__gt=0)
        .exclude(Exists(held))
        .select_related("supply_point")
        .order_by("due_on", "pk")
    )


def registry_mismatches_for(*, membership: Membership | None) -> QuerySet[RegistryMismatch]:
    """The holders to check against the municipality's registry, open ones first, newest first."""
    return (
        RegistryMismatch.objects.visible_to(membership)
        .select_related("customer__utility", "person", "resolved_by")
        .order_by(F("resolved_on").asc(nulls_first=True), "-created_at", "-pk")
    )


def get_registry_mismatch_for(*, membership: Membership | None, pk: int) -> RegistryMismatch:
    return get_object_or_404(RegistryMismatch.objects.visible_to(membership).open(), pk=pk)


BALANCE_READERS = (OrganizationKind.MUNICIPALITY, OrganizationKind.UTILITY)


@dataclass
class FollowedRow:
    """A row an app above follows about a customer (ledger.matters), with the date naming it."""

    row: Model
    on: date


@dataclass
class Holding:
    """A customer (utenza) of a person: its services, its kept figures, what is followed about it."""

    customer: Customer
    services: list[str]
    unpaid: Decimal
    in_transit: Decimal
    balance: Decimal
    followed: list[tuple[Matter, list[FollowedRow]]]


def customers_of_people(*, membership: Membership | None, people: QuerySet[Person]) -> list[Holding] | None:
    """The customers these people hold that the member sees (scoped in the query), each with its
    services, the figures the ledger keeps (the lists' and the customer page's, never re-summed)
    and the protections, plans, interventions and projects its apps follow about it, each read
    through its own scoping: one query per kind of row, whatever the rows. None for an organization
    that reads no balances (the partner: only its projects' amounts and credits, DOMAIN.md)."""
    if membership is None or membership.organization.kind not in BALANCE_READERS:
        return None
    customers = list(
        Customer.objects.visible_to(membership)
        .filter(person__in=people)
        .select_related("utility", "person")
        .prefetch_related(
            Prefetch("supply_points", queryset=SupplyPoint.objects.order_by("service", "code")),
            Prefetch("arrears", queryset=Arrears.objects.filter(service=Arrears.ALL), to_attr="kept_figures"),
        )
        .order_by("person__surname", "person__name", "utility__name", "code")
    )
    rows = followed(membership=membership, customers=[customer.pk for customer in customers])
    zero = Decimal("0.00")
    holdings = []
    for customer in customers:
        kept = next(iter(customer.kept_figures), None)
        services = {point.service: point.get_service_display() for point in customer.supply_points.all()}
        holdings.append(
            Holding(
                customer=customer,
                services=[str(label) for label in services.values()],
                unpaid=kept.unpaid if kept else zero,
                in_transit=kept.in_transit if kept else zero,
                balance=kept.balance if kept else zero,
                followed=[
                    (
                        matter,
                        [
                            FollowedRow(row, _day(getattr(row, matter.dated)))
                            for row in rows[matter.code].get(customer.pk, [])
                        ],
                    )
                    for matter in matters()
                ],
            )
        )
    return holdings


def _day(value: date | datetime) -> date:
    return timezone.localdate(value) if isinstance(value, datetime) else value
