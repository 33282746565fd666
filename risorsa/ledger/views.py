from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_http_methods

from risorsa.audit.services import audited_rows, record_access
from risorsa.core.exceptions import DomainError
from risorsa.ledger import exports, selectors, services
from risorsa.ledger.forms import ArrearsFilterForm, ImportUploadForm
from risorsa.ledger.models import ImportStatus
from risorsa.ledger.uploads import CheckedUploadHandler
from risorsa.organizations.access import WRITERS, membership_required
from risorsa.organizations.models import OrganizationKind

LEDGER_READERS = (OrganizationKind.MUNICIPALITY, OrganizationKind.UTILITY)
UTILITY = (OrganizationKind.UTILITY,)


@membership_required(kinds=LEDGER_READERS)
def import_list(request):
    runs = selectors.import_runs_for(membership=request.membership)
    page = Paginator(runs, settings.PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "ledger/importrun_list.html", {"page": page})


@csrf_exempt  # the token is checked below, once the upload handler is in place
@membership_required(kinds=UTILITY, roles=WRITERS)
@require_http_methods(["GET", "POST"])
def import_create(request):
    # Before anything reads the body: the file is checked (size, text) while it streams.
    request.upload_handlers.insert(0, CheckedUploadHandler(request))
    return _import_create(request)


@csrf_protect
def _import_create(request):
    form = ImportUploadForm(
        request.POST or None, request.FILES or None, refusals=getattr(request, "upload_refusals", None)
    )
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            run = services.receive_upload(
                utility=request.membership.organization,
                kind=form.cleaned_data["kind"],
                mode=form.cleaned_data["mode"],
                as_of=form.cleaned_data["as_of"],
                upload=upload,
                started_by=request.user,
            )
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            services.enqueue_import(run=run)
            messages.info(request, _("File ricevuto."))
            return redirect("ledger:import-detail", pk=run.pk)
    return render(request, "ledger/importrun_form.html", {"form": form})


@membership_required(kinds=LEDGER_READERS)
def import_detail(request, pk):
    run = selectors.get_import_run_for(membership=request.membership, pk=pk)
    if (
        run.status == ImportStatus.RUNNING
        and services.mark_interrupted_imports(utility_id=run.utility_id)["importazioni interrotte"]
    ):
        run.refresh_from_db()  # it stopped: the page stops waiting and offers a retry
    # The invalid rows quote the file (people of every territory): they stay with the sender.
    sender = request.membership.is_utility
    rows = run.issues.all() if sender else run.issues.none()
    issues = Paginator(rows, 100).get_page(request.GET.get("page"))
    groups = selectors.import_issue_groups(run=run) if sender and run.status == ImportStatus.REJECTED else []
    template = "ledger/importrun_detail.html#status" if request.htmx else "ledger/importrun_detail.html"
    if run.is_finished:  # while it runs, the page (polled every second) shows only counts
        record_access(request, rows=len(issues.object_list))
    return render(request, template, {"run": run, "issues": issues, "issue_groups": groups})


@membership_required(kinds=UTILITY)
def import_issues_csv(request, pk):
    run = selectors.get_import_run_for(membership=request.membership, pk=pk)
    rows = audited_rows(
        request,
        ((issue.line, issue.column, issue.value, issue.reason_text) for issue in run.issues.iterator()),
    )
    name = f"righe-non-valide-{Path(run.file_name).stem}.csv"
    return exports.csv_response(name, [_("riga"), _("colonna"), _("valore"), _("motivo")], rows)


@membership_required(kinds=LEDGER_READERS)
def customer_detail(request, pk):
    account = selectors.get_customer_account_for(membership=request.membership, pk=pk)
    record_access(request, rows=1, person_id=account.customer.person_id)
    context = {
        "account": account,
        "customer": account.customer,
        "ageing_heading": selectors.ageing_heading(account.aged_on),
    }
    return render(request, "ledger/customer_detail.html", context)


def _arrears(request):
    """The filter form, what it asks (the criteria of the list and its order) and the data it read.

    A search may be a codice fiscale: as in the people's search it travels in a POST body, never in
    the URL, so never in access logs or the browser's history; the form posts its filters with it.
    The filters alone may come in the query string (a link, a bookmark), where a `q` is not read.
    """
    if request.method == "POST":
        data = request.POST
    else:
        data = request.GET.copy()
        data.pop("q", None)
    form = ArrearsFilterForm(data or None)
    filters = form.cleaned_data if form.is_valid() else {}
    criteria = {
        "service": filters.get("servizio") or "",
        "bucket": filters.get("anzianita") or "",
        "minimum": filters.get("minimo"),
        "maximum": filters.get("massimo"),
        "query": filters.get("q") or "",
        "on": selectors.ageing_date(),  # one day for the filter, the columns and their title
    }
    return form, criteria, filters.get("ordine") or "saldo", data


def _posted_filters(request, data) -> dict | None:
    """What the access log keeps of a posted search (masked there); a GET's query string by default."""
    if request.method != "POST":
        return None
    return {key: value for key, value in data.items() if value and key not in ("csrfmiddlewaretoken", "page")}


@membership_required(kinds=LEDGER_READERS)
@require_http_methods(["GET", "POST"])
def arrears_list(request):
    form, criteria, sort, data = _arrears(request)
    customers = selectors.arrears_for(membership=request.membership, sort=sort, **criteria)
    paginator = Paginator(customers, settings.PAGE_SIZE)
    paginator.count = selectors.arrears_count_for(membership=request.membership, **criteria)  # type: ignore[misc]
    page = paginator.get_page(data.get("page"))
    template = "ledger/arrears_list.html#results" if request.htmx else "ledger/arrears_list.html"
    record_access(request, rows=len(page.object_list), filters=_posted_filters(request, data))
    context = {
        "form": form,
        "page": page,
        "ageing_heading": selectors.ageing_heading(criteria["on"]),
        # the pages and the exports of a posted list post its criteria again (partials/pagination.html)
        "posted_form": form if request.method == "POST" and form.is_bound else None,
    }
    return render(request, template, context)


ARREARS_HEADER = [
    "codice_cliente",
    "gestore",
    "cognome",
    "nome",
    "codice_fiscale",
    "residuo",
    "accrediti_in_transito",
    "saldo",
    "0-30",
    "31-90",
    "91-180",
    "oltre_180",
    "scadenza_piu_vecchia",
]


def _arrears_rows(customers):
    for customer in customers.iterator(chunk_size=2000):
        yield (
            customer.code,
            customer.utility.code,
            customer.holder_surname,
            customer.holder_name,
            customer.person.codice_fiscale,
            customer.unpaid,
            customer.in_transit,
            customer.balance,
            customer.aged_0_30,
            customer.aged_31_90,
            customer.aged_91_180,
            customer.aged_180,
            customer.oldest_due,
        )


@membership_required(kinds=LEDGER_READERS)
@require_http_methods(["GET", "POST"])
def arrears_export(request, fmt):
    _form, criteria, sort, data = _arrears(request)
    customers = selectors.arrears_for(membership=request.membership, sort=sort, **criteria)
    stamp = timezone.localdate().isoformat()
    rows = audited_rows(request, _arrears_rows(customers), filters=_posted_filters(request, data))
    if fmt == "xlsx":
        return exports.xlsx_response(f"morosita-{stamp}.xlsx", _("Morosità"), ARREARS_HEADER, rows)
    return exports.csv_response(f"morosita-{stamp}.csv", ARREARS_HEADER, rows)


@membership_required(kinds=LEDGER_READERS)
def credits_export(request):
    credits = selectors.credits_in_transit_for(membership=request.membership)
    rows = audited_rows(
        request,
        (
            (
                credit.reference,
                credit.customer.code,
                credit.bill.number if credit.bill else "",
                credit.amount,
                credit.reason,
                credit.created_on,
            )
            for credit in credits.iterator(chunk_size=2000)
        ),
    )
    header = ["riferimento", "codice_cliente", "numero_fattura", "importo", "causale", "data"]
    return exports.csv_response(f"accrediti-in-transito-{timezone.localdate().isoformat()}.csv", header, rows)


MUNICIPALITY = (OrganizationKind.MUNICIPALITY,)


@membership_required(kinds=MUNICIPALITY)
def registry_mismatches(request):
    """ "Da verificare": holders the utility's files name otherwise than the registry."""
    mismatches = selectors.registry_mismatches_for(membership=request.membership)
    page = Paginator(mismatches, settings.PAGE_SIZE).get_page(request.GET.get("page"))
    record_access(request, rows=len(page.object_list))
    return render(request, "ledger/registrymismatch_list.html", {"page": page})


@membership_required(kinds=MUNICIPALITY, roles=WRITERS)
@require_http_methods(["POST"])
def registry_mismatch_resolve(request, pk):
    mismatch = selectors.get_registry_mismatch_for(membership=request.membership, pk=pk)
    services.resolve_registry_mismatch(mismatch=mismatch, by=request.user)
    messages.success(request, _("Segnato come verificato."))
    return redirect("ledger:registry-mismatches")


@membership_required(kinds=UTILITY, roles=WRITERS)
@require_http_methods(["POST"])
def import_retry(request, pk):
    run = selectors.get_import_run_for(membership=request.membership, pk=pk)
    try:
        retry = services.retry_import(run=run, by=request.user)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("ledger:import-detail", pk=run.pk)
    return redirect("ledger:import-detail", pk=retry.pk)
