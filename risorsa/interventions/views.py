from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from risorsa.audit.services import record_access
from risorsa.core.exceptions import DomainError
from risorsa.interventions import selectors, services
from risorsa.interventions.forms import BudgetForm, ProposeForm
from risorsa.interventions.models import ALLOWED_TRANSITIONS, InterventionStatus
from risorsa.ledger.models import Customer
from risorsa.ledger.selectors import open_bills_free_for
from risorsa.organizations.access import MANAGERS, WRITERS, membership_required, require_role
from risorsa.organizations.models import OrganizationKind
from risorsa.repayment.forms import ReasonForm
from risorsa.repayment.selectors import is_eligible_for_help

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
    record_access(request, rows=len(page.object_list))
    return render(request, "interventions/intervention_list.html", context)


@membership_required(kinds=MUNICIPALITY, roles=WRITERS)
@require_http_methods(["GET", "POST"])
def intervention_create(request, customer_pk):
    customer = get_object_or_404(
        Customer.objects.visible_to(request.membership).select_related("person", "utility"), pk=customer_pk
    )
    form = ProposeForm(request.POST or None, bills=open_bills_free_for(customer=customer))
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
    context = {"form": form, "customer": customer, "kept_to_plan": is_eligible_for_help(customer=customer)}
    record_access(request, rows=1, person_id=customer.person_id)
    return render(request, "interventions/intervention_form.html", context)


@membership_required(kinds=BOTH)
def intervention_detail(request, pk):
    intervention = selectors.get_intervention_for(membership=request.membership, pk=pk)
    record_access(request, rows=1, person_id=intervention.customer.person_id)
    return render(request, "interventions/intervention_detail.html", _detail_context(intervention))


# action: (organization kind, roles, form, call, message)
ACTIONS = {
    "confirm": (
        OrganizationKind.UTILITY,
        WRITERS,
        None,
        lambda intervention, user, data: services.confirm_customer_share(intervention=intervention, by=user),
        gettext_lazy("Quota dell'utente confermata."),
    ),
    "authorize": (
        OrganizationKind.MUNICIPALITY,
        MANAGERS,
        None,
        lambda intervention, user, data: services.authorize_contribution(intervention=intervention, by=user),
        gettext_lazy("Contributo autorizzato."),
    ),
    "send": (
        OrganizationKind.MUNICIPALITY,
        WRITERS,
        None,
        lambda intervention, user, data: services.send_credit(intervention=intervention, by=user),
        gettext_lazy("Accredito creato: compare nell'elenco degli accrediti in transito per il gestore."),
    ),
    "withdraw": (
        OrganizationKind.MUNICIPALITY,
        WRITERS,
        ReasonForm,
        lambda intervention, user, data: services.withdraw_intervention(
            intervention=intervention, by=user, why=data["why"]
        ),
        gettext_lazy("Intervento ritirato: le fatture e il budget sono di nuovo liberi."),
    ),
    "cancel": (
        OrganizationKind.UTILITY,
        WRITERS,
        ReasonForm,
        lambda intervention, user, data: services.cancel_intervention(
            intervention=intervention, by=user, why=data["why"]
        ),
        gettext_lazy("Intervento annullato: le fatture sono di nuovo libere."),
    ),
}


def _detail_context(intervention, **extra) -> dict:
    share_due_on = services.share_due_on(intervention)
    next_statuses = ALLOWED_TRANSITIONS[intervention.status]
    return {
        "intervention": intervention,
        "share_paid": services.customer_share_paid(intervention=intervention),
        "share_due_on": share_due_on,
        "may_withdraw": InterventionStatus.WITHDRAWN in next_statuses,
        "may_cancel": InterventionStatus.CANCELLED in next_statuses
        and share_due_on is not None
        and share_due_on < timezone.localdate(),
        **extra,
    }


@membership_required(kinds=BOTH)
@require_POST
def intervention_action(request, pk, action):
    intervention = selectors.get_intervention_for(membership=request.membership, pk=pk)
    if action not in ACTIONS:
        raise Http404(_("Operazione sconosciuta."))
    kind, roles, form_class, call, message = ACTIONS[action]
    require_role(request.membership, kind=kind, roles=roles)
    form = form_class(request.POST) if form_class else None
    if form is not None and not form.is_valid():
        error = _("Scrivi il motivo.")
    else:
        try:
            call(intervention, request.user, form.cleaned_data if form else {})
        except DomainError as refused:
            error = refused.message
        else:
            messages.success(request, str(message))
            return redirect(intervention)
    intervention = selectors.get_intervention_for(membership=request.membership, pk=pk)
    record_access(request, rows=1, person_id=intervention.customer.person_id)
    return render(
        request,
        "interventions/intervention_detail.html",
        _detail_context(intervention, error=error),
        status=400,
    )


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


@membership_required(kinds=MUNICIPALITY, roles=MANAGERS)
def budget_history(request):
    entries = selectors.budget_history_for(membership=request.membership)
    return render(request, "interventions/budget_history.html", {"entries": entries})
