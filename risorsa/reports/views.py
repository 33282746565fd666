"""The reports' pages and files: each reads one selector, records the access, renders."""

from django.shortcuts import render

from risorsa.audit.services import record_access
from risorsa.organizations.access import membership_required
from risorsa.organizations.models import OrganizationKind
from risorsa.reports import exports, selectors

# The municipality reports on its editions, the partner on those it works in; the utility reads
# its own figures elsewhere (credits, track A timesheets), never an edition's people.
REPORT_READERS = (OrganizationKind.MUNICIPALITY, OrganizationKind.PARTNER)


@membership_required(kinds=REPORT_READERS)
def edition_list(request):
    editions = list(selectors.editions_with_reports_for(membership=request.membership))
    record_access(request, rows=len(editions))
    return render(request, "reports/edition_list.html", {"editions": editions})


def _report(request, pk: int) -> selectors.EditionReport:
    edition = selectors.get_edition_for_report(membership=request.membership, pk=pk)
    report = selectors.edition_report(edition=edition)
    record_access(request, rows=report.people)
    return report


@membership_required(kinds=REPORT_READERS)
def edition_report(request, pk: int):
    return render(request, "reports/edition_report.html", {"report": _report(request, pk)})


@membership_required(kinds=REPORT_READERS)
def edition_csv(request, pk: int):
    return exports.edition_csv(_report(request, pk))


@membership_required(kinds=REPORT_READERS)
def edition_xlsx(request, pk: int):
    return exports.edition_xlsx(_report(request, pk))
