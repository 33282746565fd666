from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from risorsa.audit.services import audited_rows, record_access
from risorsa.coordination.services import meet_deadlines
from risorsa.core.exceptions import DomainError
from risorsa.ledger import exports
from risorsa.ledger.models import Customer
from risorsa.organizations.access import MANAGERS, WRITERS, membership_required
from risorsa.organizations.models import OrganizationKind
from risorsa.protection import selectors, services, steps
from risorsa.protection.actions import ACTIONS
from risorsa.protection.forms import ProposeForm, ProtectionFilterForm
from risorsa.protection.models import ProtectionStatus

MUNICIPALITY = (OrganizationKind.MUNICIPALITY,)
UTILITY = (OrganizationKind.UTILITY,)
BOTH = (OrganizationKind.MUNICIPALITY, OrganizationKind.UTILITY)
# Incidents are shown at once to all three organizations (the partner: its people's).
WITH_PARTNER = (*BOTH, OrganizationKind.PARTNER)


@membership_required(kinds=MUNICIPALITY)
def protection_list(request):
    form = ProtectionFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    protections = selectors.protections_for(
        membership=request.membership,
        status=filters.get("stato") or "",
        review_due=bool(filters.get("revisione")),
        recent_events=bool(filters.get("eventi")),
        plan=filters.get("piano") or "",
    )
    page = Paginator(protections, settings.PAGE_SIZE).get_page(request.GET.get("page"))
    outcomes = selectors.outcomes_for(membership=request.membership)
    template = (
        "protection/protection_list.html#results" if request.htmx else "protection/protection_list.html"
    )
    record_access(request, rows=len(page.object_list))
    return render(request, template, {"form": form, "page": page, "outcomes": outcomes})


@membership_required(kinds=MUNICIPALITY, roles=WRITERS)
@require_http_methods(["GET", "POST"])
def protection_create(request, customer_pk):
    customer = get_object_or_404(
        Customer.objects.visible_to(request.membership).select_related("person", "utility"), pk=customer_pk
    )
    # A customer with a protection in course gets no form to fill in vain: its page names it.
    existing = selectors.open_protection_for(customer=customer)
    refusal = services.AlreadyProtected(existing).message if existing else ""
    form = ProposeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            protection = services.propose_protection(
                customer=customer, reason=form.cleaned_data["reason"], by=request.user
            )
        except services.AlreadyProtected as refused:
            existing, refusal = refused.protection, refused.message
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Tutela proposta."))
            return redirect(protection)
    record_access(request, rows=1, person_id=customer.person_id)
    context = {"form": form, "customer": customer, "existing": existing, "refusal": refusal}
    return render(request, "protection/protection_form.html", context)


@membership_required(kinds=MUNICIPALITY)
def protection_detail(request, pk):
    protection = selectors.get_protection_for(membership=request.membership, pk=pk)
    record_access(request, rows=1, person_id=protection.customer.person_id)
    return render(request, "protection/protection_detail.html", {"protection": protection})


@membership_required(kinds=MUNICIPALITY, roles=MANAGERS)
def protection_history(request, pk):
    protection = selectors.get_protection_for(membership=request.membership, pk=pk)
    entries = selectors.protection_history_for(membership=request.membership, protection=protection)
    record_access(request, rows=len(entries), person_id=protection.customer.person_id)
    return render(
        request, "protection/protection_history.html", {"protection": protection, "entries": entries}
    )


# Every action is a municipality writer's: a reader is refused before any protection is looked up.
# A GET (or a first POST of a danger action) shows the action's own page, which confirms it.
@membership_required(kinds=MUNICIPALITY, roles=WRITERS)
@require_http_methods(["GET", "POST"])
def protection_action(request, pk, action):
    protection = selectors.get_protection_for(membership=request.membership, pk=pk)
    answer = ACTIONS.answer(request, name=action, subject=protection)
    if answer.done:
        messages.success(request, str(answer.action.done))
        return redirect(protection)
    record_access(request, rows=1, person_id=protection.customer.person_id)
    if answer.page is not None:
        return answer.page
    context = {
        "protection": protection,
        "error": answer.refusal,
        "failed": action,
        "failed_form": answer.form,
    }
    return render(request, "protection/protection_detail.html", context, status=400)


UTILITY_HEADER = [
    "codice_cliente",
    "cognome",
    "nome",
    "codice_fiscale",
    "stato",
    "attiva_dal",
    "revisione",
    "cessata_il",
]


@membership_required(kinds=UTILITY)
def utility_list(request):
    protections = selectors.protected_list_for_utility(membership=request.membership)
    page = Paginator(protections, settings.PAGE_SIZE).get_page(request.GET.get("page"))
    labels = dict(ProtectionStatus.choices)
    page.object_list = [{**row, "status_label": labels[row["status"]]} for row in page.object_list]
    blocked = selectors.non_disconnectable_for(membership=request.membership)
    record_access(request, rows=len(page.object_list))
    return render(
        request,
        "protection/utility_list.html",
        {"page": page, "blocked": blocked, "statuses": ProtectionStatus},
    )


@membership_required(kinds=UTILITY)
def utility_export(request):
    labels = dict(ProtectionStatus.choices)
    rows = audited_rows(
        request,
        (
            (
                row["customer__code"],
                row["customer__holder_surname"],
                row["customer__holder_name"],
                row["customer__person__codice_fiscale"],
                labels[row["status"]],
                row["activated_on"],
                row["review_on"],
                row["ended_on"],
            )
            for row in selectors.protected_list_for_utility(membership=request.membership).iterator()
        ),
    )
    return exports.csv_response(f"tutele-{timezone.localdate().isoformat()}.csv", UTILITY_HEADER, rows)


@membership_required(kinds=WITH_PARTNER)
def incident_list(request):
    incidents = selectors.incidents_for(membership=request.membership)
    page = Paginator(incidents, settings.PAGE_SIZE).get_page(request.GET.get("page"))
    record_access(request, rows=len(page.object_list))
    return render(request, "protection/incident_list.html", {"page": page})


@membership_required(kinds=WITH_PARTNER)
def incident_detail(request, pk):
    incident, timeline = selectors.get_incident_for(membership=request.membership, pk=pk)
    record_access(request, rows=1, person_id=incident.customer.person_id)
    return render(request, "protection/incident_detail.html", {"incident": incident, "timeline": timeline})


@membership_required(kinds=MUNICIPALITY)
def evaluation_queue(request):
    deadlines = selectors.evaluation_queue_for(membership=request.membership)
    page = Paginator(deadlines, settings.PAGE_SIZE).get_page(request.GET.get("page"))
    record_access(request, rows=len(page.object_list))
    return render(request, "protection/evaluation_queue.html", {"page": page, "today": timezone.localdate()})


@membership_required(kinds=MUNICIPALITY, roles=WRITERS)
@require_POST
def evaluation_done(request, pk):
    deadline = get_object_or_404(selectors.evaluations_for(membership=request.membership), pk=pk)
    meet_deadlines(
        subject=deadline.subject, steps=[steps.EVALUATE_REDUCTION]
    )  # once: later calls change nothing
    messages.success(request, _("Cliente valutato: tolto dalla coda."))
    return redirect("protection:evaluation-queue")
