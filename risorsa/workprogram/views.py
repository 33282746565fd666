"""Pages of the work program: they parse the request, call one selector or service (an action
through its declaration, organizations.actions) and render."""

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from risorsa.audit.services import record_access
from risorsa.core.exceptions import DomainError
from risorsa.ledger.models import Customer
from risorsa.ledger.selectors import open_bills_free_for
from risorsa.organizations.access import MANAGERS, WRITERS, membership_required, require_role
from risorsa.organizations.actions import Actions, Answer
from risorsa.organizations.models import Organization, OrganizationKind
from risorsa.workprogram import selectors, services, steps
from risorsa.workprogram.actions import (
    CONTRACT_ACTIONS,
    PLACEMENT_ACTIONS,
    REFERRAL_ACTIONS,
    TIMESHEET_ACTIONS,
)
from risorsa.workprogram.forms import ContractTextForm, EditionForm, ReferralForm, TimingForm
from risorsa.workprogram.models import ReferralStatus
from risorsa.workprogram.pdf import contract_pdf

MUNICIPALITY = (OrganizationKind.MUNICIPALITY,)
# The pathway is the municipality's and the partner's; a utility knows only the placements it supervises.
PATHWAY = (OrganizationKind.MUNICIPALITY, OrganizationKind.PARTNER)
EVERYONE = (OrganizationKind.MUNICIPALITY, OrganizationKind.PARTNER, OrganizationKind.UTILITY)


def _run(request, table: Actions, name: str, subject, *, person_id: int) -> Answer:
    """Answer action `name` on `subject` (organizations.actions: 404, 403, the action's own page,
    done or refused); the action's own page names the person: audited."""
    answer = table.answer(request, name=name, subject=subject)
    if answer.page is not None:
        record_access(request, rows=1, person_id=person_id)
    return answer


# ---- referrals --------------------------------------------------------------------------------


@membership_required(kinds=PATHWAY)
def referral_list(request):
    editions = list(selectors.editions_for(membership=request.membership))
    edition = next((e for e in editions if str(e.pk) == request.GET.get("edizione", "")), None)
    status = request.GET.get("stato", "")
    status = status if status in ReferralStatus.values else ""
    referrals = selectors.referrals_for(membership=request.membership, edition=edition, status=status)
    page = Paginator(referrals, settings.PAGE_SIZE).get_page(request.GET.get("page"))
    record_access(request, rows=len(page.object_list))
    context = {
        "page": page,
        "editions": editions,
        "edition": edition,
        "statuses": ReferralStatus.choices,
        "status": status,
        "columns": [_("Segnalata il"), _("Persona"), _("Cliente"), _("Edizione"), _("Progetto"), _("Stato")],
    }
    return render(request, "workprogram/referral_list.html", context)


@membership_required(kinds=MUNICIPALITY, roles=WRITERS)
@require_http_methods(["GET", "POST"])
def referral_create(request, customer_pk):
    customer = get_object_or_404(
        Customer.objects.visible_to(request.membership).select_related("person", "utility"), pk=customer_pk
    )
    form = ReferralForm(
        request.POST or None,
        editions=selectors.open_editions_for(membership=request.membership),
        bills=open_bills_free_for(customer=customer),
    )
    if request.method == "POST" and form.is_valid():
        try:
            referral = services.refer_person(
                edition=form.cleaned_data["edition"],
                customer=customer,
                bills=list(form.cleaned_data["bills"]),
                project_amount=form.cleaned_data["project_amount"],
                note_for_partner=form.cleaned_data["note_for_partner"],
                by=request.user,
            )
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(
                request, _("Persona segnalata al partner: la accetterà entro i tempi dell'edizione.")
            )
            return redirect(referral)
    record_access(request, rows=1, person_id=customer.person_id)
    return render(request, "workprogram/referral_form.html", {"form": form, "customer": customer})


def _render_referral(request, referral, *, status: int = 200, **extra):
    page = selectors.referral_page_for(membership=request.membership, referral=referral)
    record_access(request, rows=1, person_id=referral.person_id)
    context = {"page": page, "referral": referral, "contract": page.contract, **extra}
    return render(request, "workprogram/referral_detail.html", context, status=status)


@membership_required(kinds=PATHWAY)
def referral_detail(request, pk):
    referral = selectors.get_referral_for(membership=request.membership, pk=pk)
    return _render_referral(request, referral)


@membership_required(kinds=PATHWAY)
@require_http_methods(["GET", "POST"])
def referral_action(request, pk, action):
    referral = selectors.get_referral_for(membership=request.membership, pk=pk)
    answer = _run(request, REFERRAL_ACTIONS, action, referral, person_id=referral.person_id)
    if answer.page is not None:
        return answer.page
    if answer.done:
        messages.success(request, str(answer.action.done))
        return redirect(referral)
    referral = selectors.get_referral_for(membership=request.membership, pk=pk)
    return _render_referral(
        request,
        referral,
        status=400,
        refusal=answer.refusal,
        referral_failed=answer.action.name,
        referral_form=answer.form,
    )


@membership_required(kinds=PATHWAY)
@require_http_methods(["GET", "POST"])
def contract_action(request, pk, action):
    contract = selectors.get_contract_for(membership=request.membership, pk=pk)
    answer = _run(request, CONTRACT_ACTIONS, action, contract, person_id=contract.referral.person_id)
    if answer.page is not None:
        return answer.page
    if answer.done:
        messages.success(request, str(answer.action.done))
        return redirect(contract.referral)
    referral = selectors.get_referral_for(membership=request.membership, pk=contract.referral_id)
    return _render_referral(
        request,
        referral,
        status=400,
        refusal=answer.refusal,
        contract_failed=answer.action.name,
        contract_form=answer.form,
    )


@membership_required(kinds=PATHWAY)
def contract_download(request, pk):
    contract = selectors.get_contract_for(membership=request.membership, pk=pk)
    record_access(request, rows=1, person_id=contract.referral.person_id)
    document = contract_pdf(contract, full=request.membership.is_municipality)
    response = HttpResponse(document, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="contratto-sociale-{contract.referral.customer.code}-{contract.pk}.pdf"'
    )
    return response


# ---- placements and timesheets ----------------------------------------------------------------


@membership_required(kinds=EVERYONE)
def placement_list(request):
    placements = selectors.placements_for(membership=request.membership)
    page = Paginator(placements, settings.PAGE_SIZE).get_page(request.GET.get("page"))
    record_access(request, rows=len(page.object_list))
    holder = _("Intestatario") if request.membership.is_utility else _("Persona")
    columns = [_("Dal"), holder, _("Cliente"), _("Percorso"), _("Sede"), _("Supervisione")]
    return render(request, "workprogram/placement_list.html", {"page": page, "columns": columns})


def _render_placement(request, placement, *, status: int = 200, week_form=None, **extra):
    """The placement page; the week's entry form only for whom the declaration lets enter hours."""
    week = PLACEMENT_ACTIONS["timesheet"]
    may_enter = week in PLACEMENT_ACTIONS.available(placement, request.membership)
    timesheets = list(placement.timesheets.all())
    record_access(request, rows=1, person_id=placement.referral.person_id)
    context = {
        "placement": placement,
        "timesheets": timesheets,
        "to_decide": [t for t in timesheets if TIMESHEET_ACTIONS.available(t, request.membership)],
        "week_action": week if may_enter else None,
        "week_form": (week_form or week.build_form(placement)) if may_enter else None,
        "week_url": PLACEMENT_ACTIONS.action_url(placement, week),
        **extra,
    }
    return render(request, "workprogram/placement_detail.html", context, status=status)


@membership_required(kinds=EVERYONE)
def placement_detail(request, pk):
    placement = selectors.get_placement_for(membership=request.membership, pk=pk)
    return _render_placement(request, placement)


@membership_required(kinds=EVERYONE)
@require_http_methods(["GET", "POST"])
def placement_action(request, pk, action):
    placement = selectors.get_placement_for(membership=request.membership, pk=pk)
    answer = _run(request, PLACEMENT_ACTIONS, action, placement, person_id=placement.referral.person_id)
    if answer.page is not None:
        return answer.page
    if answer.done:
        messages.success(request, str(answer.action.done))
        return redirect(placement)
    placement = selectors.get_placement_for(membership=request.membership, pk=pk)
    return _render_placement(request, placement, status=400, refusal=answer.refusal, week_form=answer.form)


@membership_required(kinds=EVERYONE)
@require_http_methods(["GET", "POST"])
def timesheet_action(request, pk, action):
    timesheet = selectors.get_timesheet_for(membership=request.membership, pk=pk)
    person_id = timesheet.placement.referral.person_id
    answer = _run(request, TIMESHEET_ACTIONS, action, timesheet, person_id=person_id)
    if answer.page is not None:
        return answer.page
    if answer.done:
        messages.success(request, str(answer.action.done))
        return redirect(timesheet.placement)
    placement = selectors.get_placement_for(membership=request.membership, pk=timesheet.placement_id)
    return _render_placement(
        request,
        placement,
        status=400,
        refusal=answer.refusal,
        timesheet_failed=(timesheet.pk, answer.action.name),
        timesheet_form=answer.form,
    )


# ---- editions and contract texts ---------------------------------------------------------------


@membership_required(kinds=PATHWAY)
def edition_list(request):
    editions = selectors.editions_for(membership=request.membership)
    page = Paginator(editions, settings.PAGE_SIZE).get_page(request.GET.get("page"))
    other = _("Comune") if request.membership.is_partner else _("Partner")
    columns = [_("Edizione"), _("Periodo"), other, _("Strumento"), _("Netto l'ora"), _("Persone")]
    return render(request, "workprogram/edition_list.html", {"page": page, "columns": columns})


@membership_required(kinds=MUNICIPALITY, roles=MANAGERS)
@require_http_methods(["GET", "POST"])
def edition_create(request):
    partners = Organization.objects.filter(kind=OrganizationKind.PARTNER).order_by("name")
    form = EditionForm(request.POST or None, partners=partners)
    if request.method == "POST" and form.is_valid():
        try:
            edition = services.create_edition(
                municipality=request.membership.organization, by=request.user, **form.cleaned_data
            )
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(
                request, _("Edizione creata: concorda le tempistiche con il partner prima dell'inizio.")
            )
            return redirect(edition)
    return render(request, "workprogram/edition_form.html", {"form": form})


def _render_edition(request, edition, *, status: int = 200, **extra):
    started = edition.has_started()
    may_edit = request.membership.is_municipality and request.membership.is_manager and not started
    context = {
        "edition": edition,
        "started": started,
        "timings": selectors.timings_of(edition=edition),
        "may_edit_timings": may_edit,
        "report_url": f"/reports/editions/{edition.pk}/",
        **extra,
    }
    return render(request, "workprogram/edition_detail.html", context, status=status)


@membership_required(kinds=PATHWAY)
def edition_detail(request, pk):
    edition = selectors.get_edition_for(membership=request.membership, pk=pk)
    return _render_edition(request, edition)


@membership_required(kinds=MUNICIPALITY, roles=MANAGERS)
@require_POST
def edition_timing(request, pk, step):
    edition = selectors.get_edition_for(membership=request.membership, pk=pk)
    if step not in steps.EDITION_STEPS:
        raise Http404(_("Passaggio sconosciuto."))
    form = TimingForm(request.POST)
    if form.is_valid():
        try:
            services.set_edition_timing(
                edition=edition, step=step, working_days=form.cleaned_data["working_days"], by=request.user
            )
        except DomainError as error:
            refusal = error.message
        else:
            messages.success(request, _("Tempistica aggiornata."))
            return redirect(edition)
    else:
        refusal = _("I giorni lavorativi vanno da 0 a 250.")
    edition = selectors.get_edition_for(membership=request.membership, pk=pk)
    return _render_edition(request, edition, status=400, refusal=refusal)


@membership_required(kinds=MUNICIPALITY)
@require_http_methods(["GET", "POST"])
def contract_texts(request):
    form = ContractTextForm(request.POST or None)
    status = 200
    if request.method == "POST":
        require_role(request.membership, kind=OrganizationKind.MUNICIPALITY, roles=MANAGERS)
        if form.is_valid():
            try:
                text, flagged = services.publish_contract_text(
                    municipality=request.membership.organization,
                    body=form.cleaned_data["body"],
                    by=request.user,
                )
            except DomainError as error:
                form.add_error(None, error.message)
            else:
                messages.success(
                    request,
                    ngettext(
                        "Testo v%(version)s pubblicato: %(count)s contratto va firmato di nuovo.",
                        "Testo v%(version)s pubblicato: %(count)s contratti vanno firmati di nuovo.",
                        flagged,
                    )
                    % {"version": text.version, "count": flagged},
                )
                return redirect("workprogram:contract-texts")
        status = 400
    texts = selectors.contract_texts_for(membership=request.membership)
    return render(request, "workprogram/contract_texts.html", {"texts": texts, "form": form}, status=status)
