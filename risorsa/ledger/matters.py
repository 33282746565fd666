"""What the apps above the ledger follow about a customer, for the person's "Utenze e debiti".

A workflow (a protection, a repayment plan, a spot intervention, a work project) registers its
model in its AppConfig.ready(); the rows of a set of customers are read through the model's
`visible_to` in the query, newest first, and the ledger lists them under each customer of a person
or a household without naming the apps above it (`ledger.selectors.customers_of_people`). Each row
has a `customer_id`, a `status` with its `Status` choices (for the status badge), a
`get_absolute_url` and the date named `dated`.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Model, QuerySet
from django.utils.functional import Promise

from risorsa.organizations.models import Membership


@dataclass(frozen=True)
class Matter:
    code: str  # a stable name: the template's test ids
    label: str | Promise  # what the section calls it: "Tutela", "Piani di rientro"
    noun: str | Promise  # what a link to one of its rows reads, with its date: "Piano di rientro"
    dated: str  # the field whose date names a row: "proposed_on"
    model: type[Model] = field(compare=False)  # with `customer`, `status` and `visible_to(membership)`
    order: int = 0  # where it comes among the others (apps are ready in their own order)

    def rows(self, membership: Membership | None, customers: list[int]) -> QuerySet:
        """The member's rows of these customers, as the model's own scoping lets them read."""
        return (
            self.model.objects.visible_to(membership)  # type: ignore[attr-defined]
            .filter(customer_id__in=customers)
            .order_by("-pk")
        )


_matters: dict[str, Matter] = {}


def register_matter(*, code: str, label, noun, dated: str, model: type[Model], order: int = 0) -> None:
    """Declare what an app follows about customers (registering the same code again replaces it)."""
    _matters[code] = Matter(code=code, label=label, noun=noun, dated=dated, model=model, order=order)


def matters() -> list[Matter]:
    """The declared matters, in their order."""
    return sorted(_matters.values(), key=lambda matter: matter.order)


def followed(*, membership: Membership, customers: Iterable[int]) -> dict[str, dict[int, list[Model]]]:
    """Each matter's rows for these customers, grouped by customer: one query per matter."""
    ids = list(customers)
    grouped: dict[str, dict[int, list[Model]]] = {}
    for matter in matters():
        by_customer: dict[int, list[Model]] = {}
        if ids:
            for row in matter.rows(membership, ids):
                by_customer.setdefault(row.customer_id, []).append(row)
        grouped[matter.code] = by_customer
    return grouped
