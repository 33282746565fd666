from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from risorsa.audit.services import record_access
from risorsa.organizations.access import MANAGERS, membership_required
from risorsa.organizations.models import OrganizationKind
from risorsa.privacy import selectors
from risorsa.privacy.exports import subject_export
from risorsa.privacy.forms import SubjectAccessForm


@membership_required(kinds=(OrganizationKind.MUNICIPALITY,), roles=MANAGERS)
@require_http_methods(["GET", "POST"])
def subject_access(request):
    """The municipality's manager downloads everything kept about one person of its registry."""
    form = SubjectAccessForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        person = selectors.find_subject_for(
            membership=request.membership, codice_fiscale=form.cleaned_data["codice_fiscale"]
        )
        if person is None:
            form.add_error(
                "codice_fiscale",
                _("Nessuna persona con questo codice fiscale nell'anagrafica del tuo Comune."),
            )
        else:
            fmt = form.cleaned_data["formato"]
            record_access(request, rows=1, person_id=person.pk, filters={"formato": fmt})
            content, content_type, name = subject_export(person=person, fmt=fmt)
            response = HttpResponse(content, content_type=content_type)
            response["Content-Disposition"] = f'attachment; filename="{name}"'
            response["Cache-Control"] = "no-store"
            return response
    return render(request, "privacy/subject_access.html", {"form": form})
