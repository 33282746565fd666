"""A sentence the system writes into a stored row is kept as its message id and parameters and
worded when read, in the reader's language, whatever language was active when it was written."""

from datetime import date

from django.utils import translation
from django.utils.translation import gettext_lazy

from risorsa.core.phrases import Phrase, worded


def test_a_phrase_is_stored_as_its_italian_message_id_and_its_parameters_not_as_a_sentence():
    phrase = Phrase(gettext_lazy("firmato il %(day)s"), day=date(2010, 3, 25))
    assert phrase.stored() == ("firmato il %(day)s", {"day": {"date": "2010-03-25"}})


def test_a_phrase_written_while_english_is_active_is_stored_the_same():
    with translation.override("en"):
        stored = Phrase(gettext_lazy("firmato il %(day)s"), day=date(2010, 3, 25)).stored()
    assert stored == ("firmato il %(day)s", {"day": {"date": "2010-03-25"}})


def test_a_stored_phrase_is_worded_in_the_readers_language():
    stored = Phrase(gettext_lazy("firmato il %(day)s"), day=date(2010, 3, 25)).stored()
    with translation.override("it"):
        assert worded(*stored) == "firmato il 25/03/2010"
    with translation.override("en"):
        assert worded(*stored) == translation.gettext("firmato il %(day)s") % {"day": "25/03/2010"}
        assert worded(*stored) != "firmato il 25/03/2010"  # the catalogue has it: signed on …


def test_a_label_given_as_a_parameter_or_as_the_phrase_is_translated_when_read():
    label = gettext_lazy("tutte le rate pagate")
    with translation.override("en"):
        stored = Phrase(label).stored()
    assert stored == ("tutte le rate pagate", {})
    with translation.override("it"):
        assert worded(*stored) == "tutte le rate pagate"
    with translation.override("en"):
        assert worded(*stored) == translation.gettext("tutte le rate pagate")


def test_a_reason_someone_typed_is_shown_as_typed_in_every_language():
    with translation.override("en"):
        assert worded("tutte le rate pagate", None) == "tutte le rate pagate"
        assert worded("50% pagato, 100%(day)s", None) == "50% pagato, 100%(day)s"
