from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from risorsa.organizations.access import MANAGERS, WRITERS, membership_required
from risorsa.organizations.models import Organization, OrganizationKind
from risorsa.registry import selectors, services
from risorsa.registry.forms import (
    AddMemberForm,
    HouseholdForm,
    IseeForm,
    PersonForm,
    SocialAssessmentForm,
)

MUNICIPALITY = (OrganizationKind.MUNICIPALITY,)


def _submit(form, action):
    """Run a service with the form's data; put its validation errors back on the form."""
    if not form.is_valid():
        return None
    try:
        return action(form.cleaned_data)
    except ValidationError as exc:
        form.add_error(None, exc)
        return None


@membership_required
@require_http_methods(["GET", "POST"])
def person_list(request):
    # A search may be a codice fiscale: it travels in a POST body, never in the URL and so never in
    # the access logs or the browser's history; paging through its results posts it again.
    data = request.POST if request.method == "POST" else {}
    query = data.get("q", "").strip()
    people = selectors.search_people(membership=request.membership, query=query)
    page = Paginator(people, settings.PAGE_SIZE).get_page(data.get("page") or request.GET.get("page"))
    template = "registry/person_list.html#results" if request.htmx else "registry/person_list.html"
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
    services.record_person_read(membership=request.membership, person=person, path=request.path)
    context = {"person": person}
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
    }
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
    return render(request, "registry/isee_form.html", {"form": form, "household": household})


@membership_required(kinds=MUNICIPALITY, roles=MANAGERS)
def access_log(request):
    query = request.GET.get("q", "").strip()
    organization_id = request.GET.get("organizzazione") or None
    if organization_id and not str(organization_id).isdigit():
        organization_id = None
    reads = selectors.person_reads_for(
        membership=request.membership, query=query, organization_id=organization_id
    )
    page = Paginator(reads, settings.PAGE_SIZE).get_page(request.GET.get("page"))
    organizations = Organization.objects.exclude(pk=request.membership.organization_id).order_by("name")
    context = {
        "page": page,
        "query": query,
        "organizations": organizations,
        "organization_id": organization_id,
    }
    return render(request, "registry/personread_list.html", context)
