from datetime import date

from risorsa.ledger.models import Customer
from risorsa.ledger.tests.helpers import import_sample
from risorsa.protection import services


def sample_customer(utility, code="C100000") -> Customer:
    """The sample bills imported; one of their customers (C100000, ROSSI MARIO, owes 383,26 €)."""
    if not utility.customers.exists():
        import_sample(utility, "fatture", "fatture_ok.csv")
    return Customer.objects.select_related("person").get(utility=utility, code=code)


def active_protection(
    customer, user, reason="Nucleo monoreddito con due minori; padre disoccupato.", on: date | None = None
):
    """A protection proposed and activated on `on` (today if not given)."""
    protection = services.propose_protection(customer=customer, reason=reason, by=user, on=on)
    return services.activate_protection(protection=protection, by=user, on=on)
