from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from risorsa.audit.services import record_access
from risorsa.coordination import selectors, services
from risorsa.coordination.forms import SlaRuleForm
from risorsa.core.exceptions import DomainError
from risorsa.organizations.access import MANAGERS, membership_required
from risorsa.organizations.models import OrganizationKind


@membership_required
def todo_list(request):
    """The member's to-do list; below it, what waits on another role of their organization (the
    manager), to read and not to do. The municipality's overview lists what waits on anyone."""
    everyone = request.membership.is_municipality and request.GET.get("tutte") == "1"
    deadlines = selectors.todo_for(membership=request.membership, everyone=everyone)
    page = Paginator(deadlines, settings.PAGE_SIZE).get_page(request.GET.get("page"))
    awaiting = None
    if not everyone:
        awaiting = Paginator(
            selectors.awaiting_other_role_for(membership=request.membership), settings.PAGE_SIZE
        ).get_page(request.GET.get("attesa"))
    record_access(request, rows=len(page.object_list) + (len(awaiting.object_list) if awaiting else 0))
    return render(
        request,
        "coordination/deadline_list.html",
        {
            "page": page,
            "deadlines": page.object_list,
            "awaiting": awaiting,
            "today": timezone.localdate(),
            "everyone": everyone,
        },
    )


@membership_required
def sla_list(request):
    if request.membership.is_municipality:
        services.sla_table(request.membership.organization)
    rules = list(selectors.sla_rules(membership=request.membership))
    territories = len({rule.municipality_id for rule in rules})
    return render(request, "coordination/slarule_list.html", {"rules": rules, "territories": territories})


@membership_required(kinds=(OrganizationKind.MUNICIPALITY,), roles=MANAGERS)
@require_POST
def sla_update(request, pk):
    rule = selectors.get_sla_rule(membership=request.membership, pk=pk)
    form = SlaRuleForm(request.POST, instance=rule)
    if form.is_valid():
        try:
            rule = services.update_sla_rule(
                rule=rule, working_days=form.cleaned_data["working_days"], by=request.user
            )
        except DomainError as error:
            form.add_error("working_days", error.message)
        else:
            if not request.htmx:
                messages.success(request, _("Tempo aggiornato: %(rule)s.") % {"rule": rule.step_label})
                return redirect("coordination:sla-list")
    if not request.htmx and form.errors:
        messages.error(request, " ".join(form.errors.get("working_days", [])))
        return redirect("coordination:sla-list")
    return render(request, "coordination/slarule_list.html#row", {"rule": rule, "form": form})
