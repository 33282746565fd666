"""Sentences the system writes into rows that stay (a transition's reason: "firmato il 25/03/2010").

Formatted when written, such a sentence stays in the language of that moment for every later
reader. It is stored instead as its message id (the Italian source text, as marked for
translation in the code) and its parameters (JSON), and worded when read, in the reader's
language: dates in the reader's format, choice labels translated too.
"""

from datetime import date
from typing import Any

from django.utils import formats, translation
from django.utils.functional import Promise
from django.utils.translation import gettext


def _message_id(message: str | Promise) -> str:
    """The text as written in the code: with no language active, gettext gives it back unchanged."""
    with translation.override(None):
        return str(message)


class Phrase:
    """`Phrase(_("firmato il %(day)s"), day=signed_on)`, `_` being gettext_lazy: the message marked
    as usual for the catalogue, its parameters kept apart until it is read."""

    def __init__(self, message: str | Promise, **params: Any):
        self.message = message
        self.params = params

    def stored(self) -> tuple[str, dict]:
        """The message id and the parameters, as JSON, to keep."""
        return _message_id(self.message), {name: _stored(value) for name, value in self.params.items()}

    def __str__(self) -> str:
        return worded(*self.stored())


def _stored(value: Any) -> Any:
    if isinstance(value, date):
        return {"date": value.isoformat()}
    if isinstance(value, Promise):  # a label marked for translation: translated when read
        return {"message": _message_id(value)}
    if isinstance(value, int | str):
        return value
    return str(value)


def _shown(value: Any) -> Any:
    if isinstance(value, dict):
        if "date" in value:
            return formats.date_format(date.fromisoformat(value["date"]), "SHORT_DATE_FORMAT")
        if "message" in value:
            return gettext(value["message"])
    return value


def worded(message: str, params: dict | None) -> str:
    """A stored sentence in the reader's language; without parameters (None) a text someone typed,
    shown as typed."""
    if params is None:
        return message
    if not params:
        return gettext(message)
    return gettext(message) % {name: _shown(value) for name, value in params.items()}
