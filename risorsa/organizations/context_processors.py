from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from risorsa.organizations.models import Membership, OrganizationKind, Role


def menu_entries(membership: Membership) -> list[tuple[str, str]]:
    """The main menu's (URL name, label) pairs for the member's organization kind and role: the
    pages they may open from anywhere; the Guida, for everyone, comes last."""
    kind = membership.organization.kind
    items = [("home:dashboard", _("Cruscotto")), ("coordination:todo", _("Da fare"))]
    if kind != OrganizationKind.UTILITY:  # a utility knows its customers, not the registry
        items.append(("registry:person-list", _("Persone")))
    if kind in (OrganizationKind.MUNICIPALITY, OrganizationKind.UTILITY):
        items.append(("ledger:arrears", _("Morosità")))
    if kind == OrganizationKind.MUNICIPALITY:
        items.append(("protection:list", _("Tutele")))
    if kind in (OrganizationKind.MUNICIPALITY, OrganizationKind.UTILITY):
        items.append(("repayment:list", _("Piani di rientro")))
        items.append(("interventions:list", _("Interventi")))
    if kind in (OrganizationKind.MUNICIPALITY, OrganizationKind.PARTNER):
        items.append(("workprogram:referral-list", _("Risorsa Lavoro")))
    if kind == OrganizationKind.UTILITY:
        items.append(("protection:utility-list", _("Clienti tutelati")))
        items.append(("workprogram:placement-list", _("Inserimenti lavorativi")))
    if kind in (OrganizationKind.MUNICIPALITY, OrganizationKind.UTILITY):
        items.append(("ledger:import-list", _("Importazioni")))
    if kind == OrganizationKind.MUNICIPALITY:
        items.append(("ledger:registry-mismatches", _("Intestatari da verificare")))
    if kind in (OrganizationKind.MUNICIPALITY, OrganizationKind.PARTNER):
        items.append(("reports:edition-list", _("Rapporti")))
    if kind == OrganizationKind.MUNICIPALITY and membership.role == Role.MANAGER:
        items.append(("registry:access-log", _("Registro accessi")))
    items.append(("home:guide", _("Guida")))
    return items


def navigation(request):
    """The main menu for the user's organization kind and role."""
    membership = getattr(request, "membership", None)
    if not membership:
        return {"nav_items": []}
    current = request.resolver_match.view_name if request.resolver_match else ""
    return {
        "nav_items": [
            {
                "url": reverse(name),
                "label": label,
                "active": current.startswith(name.rsplit("-", 1)[0]),
            }
            for name, label in menu_entries(membership)
        ]
    }
