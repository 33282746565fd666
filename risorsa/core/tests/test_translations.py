"""Every string the user reads is translatable, and the English catalog is complete and current."""

import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest

ROOT = Path(__file__).resolve().parents[3]
PO = ROOT / "risorsa" / "locale" / "en" / "LC_MESSAGES" / "django.po"
MO = PO.with_suffix(".mo")


def test_english_catalog_has_no_untranslated_or_fuzzy_entry():
    catalog = polib.pofile(str(PO))
    assert [entry.msgid for entry in catalog.untranslated_entries()] == []
    assert [entry.msgid for entry in catalog.fuzzy_entries()] == []


def test_compiled_catalog_matches_the_source():
    source = {
        (e.msgid, e.msgstr or tuple(e.msgstr_plural.values()))
        for e in polib.pofile(str(PO))
        if not e.obsolete
    }
    compiled = {
        (e.msgid, e.msgstr or tuple(e.msgstr_plural.values())) for e in polib.mofile(str(MO)) if e.msgid
    }
    assert compiled == source, "run `make messages` to recompile django.mo"


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="GNU gettext non installato")
def test_catalog_lists_every_translatable_string_of_the_code(tmp_path):
    # given a copy of the project, so that extraction writes nothing here
    shutil.copytree(ROOT / "risorsa", tmp_path / "risorsa", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "manage.py", tmp_path)
    # when the strings are extracted again
    subprocess.run(
        [sys.executable, "../manage.py", "makemessages", "-l", "en", "--no-location", "--no-obsolete"],
        cwd=tmp_path / "risorsa",
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(tmp_path), "DEBUG": "1"},
        check=True,
        capture_output=True,
    )
    # then they are exactly the ones in the committed catalog
    fresh = {e.msgid for e in polib.pofile(str(tmp_path / PO.relative_to(ROOT)))}
    committed = {e.msgid for e in polib.pofile(str(PO)) if not e.obsolete}
    assert sorted(fresh - committed) == [], "strings missing from the catalog: run `make messages`"
    assert sorted(committed - fresh) == [], "catalog strings no longer in the code: run `make messages`"


@pytest.mark.django_db
def test_pages_render_in_english_when_chosen(client_for):
    client = client_for("comune.responsabile")
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    body = client.get("/").content.decode()
    for italian in ("Cruscotto", "Persone", "Esci", "Registro accessi"):
        assert f">{italian}<" not in body
