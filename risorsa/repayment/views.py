from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from risorsa.audit.services import record_access
from risorsa.core.exceptions import DomainError
from risorsa.ledger.models import Customer
from risorsa.ledger.selectors import held_bills, open_bills_free_for
from risorsa.organizations.access import WRITERS, membership_required, require_role
from risorsa.organizations.models import OrganizationKind
from risorsa.repayment import selectors, services
from risorsa.repayment.actions import ACTIONS
from risorsa.repayment.forms import SimulationForm
from risorsa.repayment.models import PlanStatus
from risorsa.repayment.pdf import plan_pdf
from risorsa.repayment.schedule import build

MUNICIPALITY = (OrganizationKind.MUNICIPALITY,)
BOTH = (OrganizationKind.MUNICIPALITY, OrganizationKind.UTILITY)


@membership_required(kinds=BOTH)
def plan_list(request):
    status = request.GET.get("stato", "")
    plans = selectors.plans_for(
        membership=request.membership, status=status if status in PlanStatus.values else ""
    )
    page = Paginator(plans, settings.PAGE_SIZE).get_page(request.GET.get("page"))
    record_access(request, rows=len(page.object_list))
    return render(
        request, "repayment/plan_list.html", {"page": page, "statuses": PlanStatus.choices, "status": status}
    )


@membership_required(kinds=MUNICIPALITY)
def plan_simulate(request, customer_pk):
    customer = get_object_or_404(
        Customer.objects.visible_to(request.membership).select_related("person", "utility"), pk=customer_pk
    )
    bills = open_bills_free_for(customer=customer)
    if request.method == "POST":
        require_role(request.membership, kind=OrganizationKind.MUNICIPALITY, roles=WRITERS)
        form = SimulationForm(request.POST, bills=bills)
    else:
        form = SimulationForm(request.GET or None, bills=bills)
    schedule = remsi = None
    if form.is_bound and form.is_valid():
        terms, remsi = selectors.offered_terms(
            terms=form.terms(),
            bills=form.cleaned_data["bills"],
            shorter_choice=form.documented_choice() is not None,
        )
        schedule = build(terms)
    if request.method == "POST" and schedule is not None:
        try:
            plan = services.draft_plan(
                customer=customer,
                terms=form.terms(),
                by=request.user,
                bills=list(form.cleaned_data["bills"]),
                shorter_choice=form.documented_choice(),
            )
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Piano salvato come bozza: controllalo e invialo al gestore."))
            return redirect(plan)
    context = {"form": form, "customer": customer, "schedule": schedule, "remsi": remsi}
    template = "repayment/simulation.html#schedule" if request.htmx else "repayment/simulation.html"
    record_access(request, rows=1, person_id=customer.person_id)
    return render(request, template, context)


@membership_required(kinds=BOTH)
def plan_detail(request, pk):
    plan = selectors.get_plan_for(membership=request.membership, pk=pk)
    record_access(request, rows=1, person_id=plan.customer.person_id)
    return render(request, "repayment/plan_detail.html", _detail_context(plan))


def _detail_context(plan, **extra) -> dict:
    return {
        "plan": plan,
        "eligible": selectors.is_eligible_for_help(customer=plan.customer),
        "standing": selectors.standing_of(plan=plan),
        "bills": held_bills(holder=plan),
        **extra,
    }


# A GET (or a first POST of a danger action) shows the action's own page, which confirms it.
@membership_required(kinds=BOTH)
@require_http_methods(["GET", "POST"])
def plan_action(request, pk, action):
    plan = selectors.get_plan_for(membership=request.membership, pk=pk)
    answer = ACTIONS.answer(request, name=action, subject=plan)
    if answer.done:
        messages.success(request, str(answer.action.done))
        return redirect(plan)
    record_access(request, rows=1, person_id=plan.customer.person_id)
    if answer.page is not None:
        return answer.page
    plan = selectors.get_plan_for(membership=request.membership, pk=pk)
    context = _detail_context(plan, error=answer.refusal, failed=action, failed_form=answer.form)
    return render(request, "repayment/plan_detail.html", context, status=400)


@membership_required(kinds=BOTH)
def plan_download(request, pk):
    plan = selectors.get_plan_for(membership=request.membership, pk=pk)
    record_access(request, rows=1, person_id=plan.customer.person_id)
    response = HttpResponse(
        plan_pdf(plan, with_income=request.membership.is_municipality), content_type="application/pdf"
    )
    response["Content-Disposition"] = (
        f'attachment; filename="piano-di-rientro-{plan.customer.code}-{plan.pk}.pdf"'
    )
    return response
