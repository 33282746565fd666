"""Writing the access log: one INSERT per request, codici fiscali masked before they are stored."""

import re
from collections.abc import Iterable, Iterator, Mapping
from typing import Any, TypeVar

from django.http import HttpRequest

from risorsa.audit.models import AccessLog

T = TypeVar("T")

# The shape of a codice fiscale, omocodia included (digits replaced by L-V), in any case.
CODICE_FISCALE = re.compile(
    r"[A-Z]{6}[0-9LMNPQRSTUV]{2}[ABCDEHLMPRST][0-9LMNPQRSTUV]{2}[A-Z][0-9LMNPQRSTUV]{3}[A-Z]",
    re.IGNORECASE,
)
MASK = "*" * 16
PATH_LENGTH = AccessLog._meta.get_field("path").max_length or 300


def mask_codici_fiscali(text: str) -> str:
    """The text with every codice fiscale in it replaced by asterisks."""
    return CODICE_FISCALE.sub(MASK, text)


def _masked(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {mask_codici_fiscali(str(key)): _masked(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_masked(item) for item in value]
    if value is None or isinstance(value, bool | int):
        return value
    return mask_codici_fiscali(str(value))


def _query_filters(request: HttpRequest) -> dict[str, Any]:
    return {key: values[0] if len(values) == 1 else values for key, values in request.GET.lists()}


def record_access(
    request: HttpRequest,
    *,
    rows: int | None,
    what: str = "",
    person_id: int | None = None,
    filters: Mapping[str, Any] | None = None,
) -> AccessLog:
    """Write the one access row of a request that showed personal data.

    Written for every viewer, the viewer's own organization included: simpler and safer than
    deciding row by row whose data a page showed. `what` defaults to the URL's name
    ("ledger:arrears-export"), `filters` to the query string; any codice fiscale in them or in the
    path is masked. `person_id` names the one person a single-person page is about.
    """
    user_id = request.user.pk
    if user_id is None:
        raise ValueError("An access is recorded for a logged-in user only.")
    membership = getattr(request, "membership", None)
    match = request.resolver_match
    # Built by code, not typed by a user: no full_clean(), whose foreign-key checks would add queries.
    return AccessLog.objects.create(
        user_id=user_id,
        organization_id=membership.organization_id if membership else None,
        what=what or (match.view_name if match else ""),
        path=mask_codici_fiscali(request.path)[:PATH_LENGTH],
        filters=_masked(_query_filters(request) if filters is None else filters),
        rows=rows,
        person_id=person_id,
    )


def audited_rows(
    request: HttpRequest, rows: Iterable[T], *, what: str = "", filters: Mapping[str, Any] | None = None
) -> Iterator[T]:
    """An export's rows, passed through; its access row, with the number of rows that went out, is
    written when they are all out or when the download stops (a streamed CSV whose client went away).
    A download stopped before its first row leaves no row: it showed nothing."""
    count = 0
    try:
        for row in rows:
            count += 1
            yield row
    finally:
        record_access(request, rows=count, what=what, filters=filters)
