from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from risorsa.audit.services import record_access
from risorsa.core.exceptions import DomainError
from risorsa.ledger.models import Customer
from risorsa.ledger.selectors import held_bills, open_bills_free_for
from risorsa.organizations.access import MANAGERS, WRITERS, membership_required, require_role
from risorsa.organizations.models import OrganizationKind
from risorsa.repayment import selectors, services
from risorsa.repayment.forms import ReasonForm, SignatureForm, SimulationForm
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
        "reason_form": ReasonForm(),
        "signature_form": SignatureForm(),
        "eligible": selectors.is_eligible_for_help(customer=plan.customer),
        "standing": selectors.standing_of(plan=plan),
        "bills": held_bills(holder=plan),
        **extra,
    }


# action: (organization kind, roles, form, call)
ACTIONS = {
    "propose": (
        OrganizationKind.MUNICIPALITY,
        WRITERS,
        None,
        lambda plan, user, data: services.propose_plan(plan=plan, by=user),
    ),
    "cancel": (
        OrganizationKind.MUNICIPALITY,
        WRITERS,
        ReasonForm,
        lambda plan, user, data: services.cancel_plan(plan=plan, by=user, why=data["why"]),
    ),
    "activate": (
        OrganizationKind.MUNICIPALITY,
        WRITERS,
        SignatureForm,
        lambda plan, user, data: services.activate_plan(plan=plan, by=user, signed_on=data["signed_on"]),
    ),
    "approve": (
        OrganizationKind.UTILITY,
        MANAGERS,
        None,
        lambda plan, user, data: services.approve_plan(plan=plan, by=user),
    ),
    "refuse": (
        OrganizationKind.UTILITY,
        MANAGERS,
        ReasonForm,
        lambda plan, user, data: services.refuse_plan(plan=plan, by=user, why=data["why"]),
    ),
}
DONE = {
    "propose": gettext_lazy("Piano inviato al gestore per l'approvazione."),
    "cancel": gettext_lazy("Piano annullato."),
    "activate": gettext_lazy("Piano attivo: le rate seguiranno i pagamenti comunicati dal gestore."),
    "approve": gettext_lazy("Piano approvato."),
    "refuse": gettext_lazy("Piano rifiutato."),
}


@membership_required(kinds=BOTH)
@require_POST
def plan_action(request, pk, action):
    plan = selectors.get_plan_for(membership=request.membership, pk=pk)
    if action not in ACTIONS:
        raise Http404(_("Operazione sconosciuta."))
    kind, roles, form_class, call = ACTIONS[action]
    require_role(request.membership, kind=kind, roles=roles)
    form = form_class(request.POST) if form_class else None
    if form is not None and not form.is_valid():
        error = _("Controlla i dati inseriti.")
    else:
        try:
            call(plan, request.user, form.cleaned_data if form else {})
        except DomainError as refused:
            error = refused.message
        else:
            messages.success(request, str(DONE[action]))
            return redirect(plan)
    plan = selectors.get_plan_for(membership=request.membership, pk=pk)
    record_access(request, rows=1, person_id=plan.customer.person_id)
    return render(request, "repayment/plan_detail.html", _detail_context(plan, error=error), status=400)


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
