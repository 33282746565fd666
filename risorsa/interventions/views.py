from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from risorsa.audit.services import record_access
from risorsa.core.exceptions import DomainError
from risorsa.interventions import selectors, services
from risorsa.interventions.actions import ACTIONS
from risorsa.interventions.forms import BudgetForm, ProposeForm
from risorsa.interventions.models import InterventionStatus
from risorsa.ledger.models import Customer
from risorsa.ledger.selectors import open_bills_free_for
from risorsa.organizations.access import MANAGERS, WRITERS, membership_required
from risorsa.organizations.models import OrganizationKind
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


def _detail_context(intervention, **extra) -> dict:
    return {
        "intervention": intervention,
        "share_paid": services.customer_share_paid(intervention=intervention),
        "share_due_on": services.share_due_on(intervention),
        **extra,
    }


# A GET (or a first POST of a danger action) shows the action's own page, which confirms it.
@membership_required(kinds=BOTH)
@require_http_methods(["GET", "POST"])
def intervention_action(request, pk, action):
    intervention = selectors.get_intervention_for(membership=request.membership, pk=pk)
    answer = ACTIONS.answer(request, name=action, subject=intervention)
    if answer.done:
        messages.success(request, str(answer.action.done))
        return redirect(intervention)
    record_access(request, rows=1, person_id=intervention.customer.person_id)
    if answer.page is not None:
        return answer.page
    intervention = selectors.get_intervention_for(membership=request.membership, pk=pk)
    context = _detail_context(intervention, error=answer.refusal, failed=action, failed_form=answer.form)
    return render(request, "interventions/intervention_detail.html", context, status=400)


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
