"""Field-level history (django-simple-history) turned into "who changed which field from what to
what, when", for the pages that show it to the municipality's manager."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from itertools import groupby
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

KINDS = {"+": gettext_lazy("creazione"), "~": gettext_lazy("modifica"), "-": gettext_lazy("eliminazione")}


@dataclass(frozen=True)
class FieldChange:
    field: str
    old: Any
    new: Any


@dataclass(frozen=True)
class HistoryEntry:
    at: datetime
    user: Any
    subject: str
    kind: str
    changes: list[FieldChange]


def _shown(record, field_name: str, value: Any) -> Any:
    if value is None or value == "":
        return None
    field = record.instance_type._meta.get_field(field_name)
    if field.choices:
        return dict(field.flatchoices).get(value, value)
    if isinstance(value, bool):
        return _("sì") if value else _("no")
    return value


def _changes(record, previous) -> list[FieldChange]:
    meta = record.instance_type._meta
    if previous is None:  # a creation: every field given a value
        names = sorted(field.name for field in record.tracked_fields if field.editable)
        values = {name: getattr(record, meta.get_field(name).attname) for name in names}
        pairs = [(name, None, value) for name, value in values.items() if value not in (None, "")]
    else:
        pairs = [(change.field, change.old, change.new) for change in record.diff_against(previous).changes]
    return [
        FieldChange(
            str(meta.get_field(name).verbose_name), _shown(record, name, old), _shown(record, name, new)
        )
        for name, old, new in pairs
    ]


def history_entries(*histories: QuerySet) -> list[HistoryEntry]:
    """Every change in these history querysets (already scoped by the caller), newest first: one
    query per queryset, each record diffed against the one before it of the same object."""
    entries = []
    for history in histories:
        records: Iterable = history.select_related("history_user").order_by(
            "id", "history_date", "history_id"
        )
        for _pk, versions in groupby(records, key=lambda record: record.id):
            previous = None
            for record in versions:
                changes = _changes(record, previous if record.history_type != "+" else None)
                if changes or record.history_type != "~":
                    entries.append(
                        HistoryEntry(
                            at=record.history_date,
                            user=record.history_user,
                            subject=f"{record.instance_type._meta.verbose_name} n. {record.id}",
                            kind=str(KINDS.get(record.history_type, record.history_type)),
                            changes=changes,
                        )
                    )
                previous = record
    entries.sort(key=lambda entry: entry.at, reverse=True)
    return entries
