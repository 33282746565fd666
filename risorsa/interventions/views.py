from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from risorsa.core.exceptions import DomainError
from risorsa.interventions import selectors, services
from risorsa.interventions.forms import BudgetForm, ProposeForm
from risorsa.interventions.models import InterventionStatus
from risorsa.ledger.models import Customer
from risorsa.organizations.access import MANAGERS, WRITERS, membership_required, require_role
from risorsa.organizations.models import OrganizationKind

MUNICIPALITY = (OrganizationKind.MUNICIPALITY,)
BOTH = (OrganizationKind.MUNICIPALITY, OrganizationKind.UTILITY)


@membership_required(kinds=BOTH)
def intervention_list(request):
    status = request.GET.get("stato", "")
    interventions = selectors.interventions_for(
        membership=request.membership, status=status if status in InterventionStatus.values else ""
    )
    page = Paginator(interventions, settings.PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"page": page, "statuses": InterventionStatus.choices, "status": status}
    if request.membership.is_municipality:
        year = timezone.localdate().year
        context["budget"] = selectors.budget_summary(municipality=request.membership.organization, year=year)
        context["budget_form"] = BudgetForm(initial={"year": year, "amount": context["budget"].amount})
    return render(request, "interventions/intervention_list.html", context)


@membership_required(kinds=MUNICIPALITY, roles=WRITERS)
@require_http_methods(["GET", "POST"])
def intervention_create(request, customer_pk):
    customer = get_object_or_404(
        Customer.objects.visible_to(request.membership).select_related("person", "utility"), pk=customer_pk
    )
    form = ProposeForm(request.POST or None, bills=selectors.open_bills_of(customer=customer))
    if request.method == "POST" and form.is_valid():
        try:
            intervention = services.propose_intervention(
                customer=customer,
                bills=list(form.cleaned_data["bills"]),
                municipal_percent=form.cleaned_data["municipal_percent"],
                kind=form.cleaned_data["kind"],
                by=request.user,
            )
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Intervento proposto: il gestore confermerà la quota dell'utente."))
            return redirect(intervention)
    return render(request, "interventions/intervention_form.html", {"form": form, "customer": customer})


@membership_required(kinds=BOTH)
def intervention_detail(request, pk):
    intervention = selectors.get_intervention_for(membership=request.membership, pk=pk)
    return render(request, "interventions/intervention_detail.html", {"intervention": intervention})


# action: (organization kind, roles, call, message)
ACTIONS = {
    "confirm": (
        OrganizationKind.UTILITY,
        WRITERS,
        lambda intervention, user: services.confirm_customer_share(intervention=intervention, by=user),
        gettext_lazy("Quota dell'utente confermata."),
    ),
    "authorize": (
        OrganizationKind.MUNICIPALITY,
        MANAGERS,
        lambda intervention, user: services.authorize_contribution(intervention=intervention, by=user),
        gettext_lazy("Contributo autorizzato."),
    ),
    "send": (
        OrganizationKind.MUNICIPALITY,
        WRITERS,
        lambda intervention, user: services.send_credit(intervention=intervention, by=user),
        gettext_lazy("Accredito creato: compare nell'elenco degli accrediti in transito per il gestore."),
    ),
}


@membership_required(kinds=BOTH)
@require_POST
def intervention_action(request, pk, action):
    intervention = selectors.get_intervention_for(membership=request.membership, pk=pk)
    if action not in ACTIONS:
        raise Http404(_("Operazione sconosciuta."))
    kind, roles, call, message = ACTIONS[action]
    require_role(request.membership, kind=kind, roles=roles)
    try:
        call(intervention, request.user)
    except DomainError as refused:
        intervention = selectors.get_intervention_for(membership=request.membership, pk=pk)
        context = {"intervention": intervention, "error": refused.message}
        return render(request, "interventions/intervention_detail.html", context, status=400)
    messages.success(request, str(message))
    return redirect(intervention)


@membership_required(kinds=MUNICIPALITY, roles=MANAGERS)
@require_POST
def budget_update(request):
    form = BudgetForm(request.POST)
    if form.is_valid():
        try:
            services.set_budget(
                municipality=request.membership.organization,
                year=form.cleaned_data["year"],
                amount=form.cleaned_data["amount"],
            )
        except DomainError as refused:
            messages.error(request, refused.message)
        else:
            messages.success(request, _("Budget aggiornato."))
    else:
        messages.error(request, _("Budget non valido: controlla anno e importo."))
    return redirect("interventions:list")
