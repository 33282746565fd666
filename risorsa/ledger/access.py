"""Services act only on what the actor's organization may see: the wall holds below the views."""

from django.utils.translation import gettext as _

from risorsa.core.exceptions import PermissionDenied
from risorsa.ledger.models import Customer
from risorsa.organizations.selectors import membership_for


def require_party(*, customer: Customer, by) -> None:
    """Refuse a user whose organization may not see `customer` (another municipality's territory,
    another utility's customer). `by=None` is the system (the daily follow-up, an import)."""
    if by is None:
        return
    membership = membership_for(user=by)
    if membership is None or not Customer.objects.visible_to(membership).filter(pk=customer.pk).exists():
        raise PermissionDenied(_("Questo cliente non è tra quelli che la tua organizzazione segue."))
