from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from risorsa.audit.forms import AccessLogFilterForm
from risorsa.audit.selectors import access_log_for
from risorsa.audit.services import record_access
from risorsa.organizations.access import MANAGERS, WRITERS, membership_required
from risorsa.organizations.models import OrganizationKind
from risorsa.registry import selectors, services
from risorsa.registry.forms import (
    AddMemberForm,
    HouseholdForm,
    IseeForm,
    PersonForm,
    SocialAssessmentForm,
)

MUNICIPALITY = (OrganizationKind.MUNICIPALITY,)
# The registry is the municipality's, and the partner's for the people referred to it; a utility
# knows its customers (ledger), never the registry.
REGISTRY_READERS = (OrganizationKind.MUNICIPALITY, OrganizationKind.PARTNER)


def _submit(form, action):
    """Run a service with the form's data; put its validation errors back on the form."""
    if not form.is_valid():
        return None
    try:
        return action(form.cleaned_data)
    except ValidationError as exc:
        form.add_error(None, exc)
        return None


@membership_required(kinds=REGISTRY_READERS)
@require_http_methods(["GET", "POST"])
def person_list(request):
    # A search may be a codice fiscale: it travels in a POST body, never in the URL and so never in
    # the access logs or the browser's history; paging through its results posts it again.
    data = request.POST if request.method == "POST" else {}
    query = data.get("q", "").strip()
    people = selectors.search_people(membership=request.membership, query=query)
    page = Paginator(people, settings.PAGE_SIZE).get_page(data.get("page") or request.GET.get("page"))
    template = "registry/person_list.html#results" if request.htmx else "registry/person_list.html"
    record_access(request, rows=len(page.object_list), filters={"q": query} if query else None)
    return render(request, template, {"page": page, "query": query})


@membership_required(kinds=MUNICIPALITY, roles=WRITERS)
@require_http_methods(["GET", "POST"])
def person_create(request):
    form = PersonForm(request.POST or None)
    if request.method == "POST":
        person = _submit(form, lambda data: services.create_person(membership=request.membership, **data))
        if person:
            messages.success(request, _("%(person)s è stato aggiunto all'anagrafica.") % {"person": person})
            return redirect("registry:person-detail", pk=person.pk)
    return render(request, "registry/person_form.html", {"form": form})


@membership_required
def person_detail(request, pk):
    person = selectors.get_person_for(membership=request.membership, pk=pk)
    record_access(request, rows=1, person_id=person.pk)
    context = {
        "person": person,
        "panels": selectors.panels_about(membership=request.membership, person=person),
    }
    if request.membership.is_municipality:
        context["assessments"] = selectors.assessments_for(membership=request.membership, person=person)
    return render(request, "registry/person_detail.html", context)


@membership_required(kinds=MUNICIPALITY, roles=WRITERS)
@require_http_methods(["GET", "POST"])
def person_update(request, pk):
    person = selectors.get_person_for(membership=request.membership, pk=pk)
    form = PersonForm(request.POST or None, instance=person)
    if request.method == "POST":
        saved = _submit(
            form,
            lambda data: services.update_person(membership=request.membership, person=person, **data),
        )
        if saved:
            messages.success(request, _("Dati di %(person)s aggiornati.") % {"person": saved})
            return redirect("registry:person-detail", pk=saved.pk)
    record_access(request, rows=1, person_id=person.pk)
    return render(request, "registry/person_form.html", {"form": form, "person": person})


@membership_required(kinds=MUNICIPALITY, roles=WRITERS)
@require_http_methods(["GET", "POST"])
def assessment_create(request, pk):
    person = selectors.get_person_for(membership=request.membership, pk=pk)
    form = SocialAssessmentForm(request.POST or None)
    if request.method == "POST" and _submit(
        form,
        lambda data: services.record_assessment(membership=request.membership, person=person, **data),
    ):
        messages.success(request, _("Valutazione sociale registrata."))
        return redirect("registry:person-detail", pk=person.pk)
    record_access(request, rows=1, person_id=person.pk)
    return render(request, "registry/socialassessment_form.html", {"form": form, "person": person})


@membership_required(kinds=MUNICIPALITY, roles=WRITERS)
@require_http_methods(["GET", "POST"])
def household_create(request, pk):
    person = selectors.get_person_for(membership=request.membership, pk=pk)
    form = HouseholdForm(request.POST or None, initial={"address": person.address})
    if request.method == "POST":
        household = _submit(
            form,
            lambda data: services.create_household(membership=request.membership, person=person, **data),
        )
        if household:
            messages.success(request, _("Nucleo familiare creato."))
            return redirect("registry:household-detail", pk=household.pk)
    record_access(request, rows=1, person_id=person.pk)
    return render(request, "registry/household_form.html", {"form": form, "person": person})


@membership_required(kinds=MUNICIPALITY)
def household_detail(request, pk):
    household = selectors.get_household_for(membership=request.membership, pk=pk)
    isee = selectors.current_isee(household=household)
    context = {
        "household": household,
        "current_isee": isee,
        "bonus_threshold": selectors.bonus_threshold_for(isee=isee) if isee else None,
        "member_form": AddMemberForm(),
        "isee_form": IseeForm(),
        "panels": selectors.panels_about(membership=request.membership, household=household),
    }
    record_access(request, rows=len(household.members.all()))
    return render(request, "registry/household_detail.html", context)


@membership_required(kinds=MUNICIPALITY, roles=WRITERS)
@require_http_methods(["GET", "POST"])
def household_update(request, pk):
    household = selectors.get_household_for(membership=request.membership, pk=pk)
    form = HouseholdForm(request.POST or None, instance=household)
    if request.method == "POST" and _submit(
        form,
        lambda data: services.update_household(membership=request.membership, household=household, **data),
    ):
        messages.success(request, _("Nucleo familiare aggiornato."))
        return redirect("registry:household-detail", pk=household.pk)
    record_access(request, rows=len(household.members.all()))
    return render(request, "registry/household_form.html", {"form": form, "household": household})


@membership_required(kinds=MUNICIPALITY, roles=WRITERS)
@require_http_methods(["POST"])
def household_add_member(request, pk):
    household = selectors.get_household_for(membership=request.membership, pk=pk)
    form = AddMemberForm(request.POST)
    member = _submit(
        form,
        lambda data: services.add_household_member(
            membership=request.membership,
            household=household,
            codice_fiscale=data["codice_fiscale"],
        ),
    )
    if member:
        messages.success(request, _("%(person)s aggiunto al nucleo.") % {"person": member})
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    return redirect("registry:household-detail", pk=household.pk)


@membership_required(kinds=MUNICIPALITY, roles=WRITERS)
@require_http_methods(["GET", "POST"])
def isee_create(request, pk):
    household = selectors.get_household_for(membership=request.membership, pk=pk)
    form = IseeForm(request.POST or None)
    if request.method == "POST" and _submit(
        form,
        lambda data: services.record_isee(membership=request.membership, household=household, **data),
    ):
        messages.success(request, _("ISEE registrato."))
        return redirect("registry:household-detail", pk=household.pk)
    record_access(request, rows=len(household.members.all()))
    return render(request, "registry/isee_form.html", {"form": form, "household": household})


@membership_required(kinds=MUNICIPALITY, roles=MANAGERS)
def person_history(request, pk):
    person = selectors.get_person_for(membership=request.membership, pk=pk)
    entries = selectors.person_history_for(membership=request.membership, person=person)
    record_access(request, rows=len(entries), person_id=person.pk)
    return render(request, "registry/person_history.html", {"person": person, "entries": entries})


@membership_required(kinds=MUNICIPALITY, roles=MANAGERS)
def access_log(request):
    form = AccessLogFilterForm(request.GET or None, membership=request.membership)
    filters = form.cleaned_data if form.is_valid() else {}
    query = filters.get("q") or ""
    organization = filters.get("organizzazione")
    log = access_log_for(
        membership=request.membership,
        user=filters.get("utente") or "",
        organization_id=organization.pk if organization else None,
        since=filters.get("dal"),
        until=filters.get("al"),
        people=selectors.search_people(membership=request.membership, query=query).values("pk")
        if query.strip()
        else None,
    )
    page = Paginator(log, settings.PAGE_SIZE).get_page(request.GET.get("page"))
    record_access(request, rows=len(page.object_list))
    return render(request, "audit/accesslog_list.html", {"form": form, "page": page})
