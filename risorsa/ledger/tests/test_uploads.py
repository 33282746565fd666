"""Uploads: bounded, plain CSV text, stored private under a random name, deleted after retention."""

import os
import stat
from datetime import date, timedelta
from pathlib import Path

import pytest
import time_machine
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from risorsa.coordination.daily import run_daily
from risorsa.ledger import services
from risorsa.ledger.models import ImportRun, ImportStatus
from risorsa.ledger.tests.helpers import SAMPLES
from risorsa.ledger.uploads import UploadRefused, check_chunks, clean_file_name

EVIL = b"MZ\x90\x00\x03\x00\x00\x00" + os.urandom(30 * 1024 * 1024)


@pytest.fixture(autouse=True)
def var_dir(settings, tmp_path):
    settings.VAR_DIR = tmp_path / "var"
    return settings.VAR_DIR


def post(client, name: str, content: bytes, capture):
    data = {"kind": "fatture", "mode": "incrementale", "as_of": "28/02/2010"}
    data["file"] = SimpleUploadedFile(name, content, content_type="application/octet-stream")
    with capture(execute=True):
        return client.post(reverse("ledger:import-create"), data)


@pytest.mark.django_db
def test_a_30_mb_binary_named_evil_exe_is_refused_and_nothing_is_queued_or_stored(
    client_for, utility, var_dir, django_capture_on_commit_callbacks
):
    response = post(client_for("aem.operatore"), "../../evil.exe", EVIL, django_capture_on_commit_callbacks)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Il file è un programma Windows, non un file CSV di testo" in page
    assert "file" in response.wsgi_request.upload_refusals  # refused as it streamed
    assert not ImportRun.objects.exists()
    assert not list((var_dir / "imports").glob("*"))


@pytest.mark.django_db
def test_a_file_past_the_size_limit_is_refused_while_it_streams(
    client_for, utility, settings, var_dir, django_capture_on_commit_callbacks
):
    settings.RISORSA_MAX_UPLOAD_MB = 1
    content = (SAMPLES / "fatture_ok.csv").read_bytes()
    big = content + b"\n" * (1024 * 1024)
    response = post(client_for("aem.operatore"), "fatture.csv", big, django_capture_on_commit_callbacks)
    assert "Il file supera il limite di 1 MB" in response.content.decode()
    assert "file" in response.wsgi_request.upload_refusals
    assert not ImportRun.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"codice_cliente;nome\nC1;AB\x00CD\n", "Riga 2, carattere 6: .* byte nullo"),
        (b"PK\x03\x04rest of a spreadsheet", "archivio ZIP o foglio Excel"),
        (b"%PDF-1.4 ...", "PDF"),
        (b"codice\n\x81\x8d\x8f\xc3\x28\n", "né Windows-1252"),
        (b"", "vuoto"),
    ],
)
def test_what_is_not_csv_text_is_refused_with_the_reason(content, message):
    with pytest.raises(UploadRefused, match=message):
        check_chunks([content])


@pytest.mark.parametrize(
    ("chunks", "where"),
    [
        ([b"a;b\nc;d\ne;", b"f\x00\n"], "Riga 3, carattere 4:"),  # the line goes on across chunks
        ([b"a;b\nc;d", b"\n", b"x\x07"], "Riga 3, carattere 2:"),
        ([b"\x1b[31m;b\n"], "Riga 1, carattere 1: .*0x1B"),
    ],
)
def test_a_control_byte_is_refused_naming_its_line_and_place_across_chunks(chunks, where):
    """The upload reads the file in chunks: the line and place are those of the whole file."""
    with pytest.raises(UploadRefused, match=where):
        check_chunks(chunks)


def test_utf8_and_windows_1252_text_pass():
    assert check_chunks(["cognome;nome\nBERTOLÈ;NICOLÒ\n".encode()]) > 0
    assert check_chunks(["cognome;nome\nBERTOLÈ;NICOLÒ\r\n".encode("cp1252")]) > 0
    # a UTF-8 character cut between two chunks is still UTF-8
    data = "È".encode()
    assert check_chunks([b"a;" + data[:1], data[1:] + b"\n"]) == 5


@pytest.mark.parametrize(
    ("name", "kept"),
    [
        ("../../evil.exe", "evil.exe"),
        ("..\\..\\windows\\fatture.csv", "fatture.csv"),
        ("/etc/passwd", "passwd"),
        ("fatture\x00\n.csv", "fatture.csv"),
        ("..", "file.csv"),
        ("", "file.csv"),
    ],
)
def test_the_original_name_is_kept_without_folders(name, kept):
    assert clean_file_name(name) == kept


@pytest.mark.django_db
def test_an_accepted_upload_is_stored_0600_under_a_random_name_outside_any_served_folder(
    client_for, utility, var_dir, django_capture_on_commit_callbacks
):
    content = (SAMPLES / "fatture_ok.csv").read_bytes()
    response = post(
        client_for("aem.operatore"), "../fatture_ok.csv", content, django_capture_on_commit_callbacks
    )
    assert response.status_code == 302
    run = ImportRun.objects.get()
    path = Path(run.file_path)
    assert run.file_name == "fatture_ok.csv"
    assert path.parent == (var_dir / "imports").resolve()
    assert path.name != "fatture_ok.csv" and len(path.stem) == 32
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    for served in (django_settings.MEDIA_ROOT, django_settings.STATIC_ROOT):
        assert not path.is_relative_to(Path(served).resolve())
    assert path.read_bytes() == content


@pytest.mark.django_db
def test_the_import_command_refuses_a_binary_file_and_records_nothing(utility, tmp_path):
    evil = tmp_path / "evil.csv"
    evil.write_bytes(b"\x7fELF\x02\x01\x01" + bytes(1000))
    with pytest.raises(CommandError, match="non un file CSV di testo"):
        call_command("importa", "fatture", str(evil), "--gestore", utility.code, "--senza-barra")
    assert not ImportRun.objects.exists()


@pytest.mark.django_db
def test_the_import_command_refuses_a_file_past_the_size_limit(utility, tmp_path, settings):
    settings.RISORSA_MAX_UPLOAD_MB = 1
    big = tmp_path / "fatture.csv"
    big.write_bytes((SAMPLES / "fatture_ok.csv").read_bytes() + b"\n" * (1024 * 1024))
    with pytest.raises(CommandError, match="supera il limite di 1 MB"):
        call_command("importa", "fatture", str(big), "--gestore", utility.code, "--senza-barra")
    assert not ImportRun.objects.exists()


def receive(utility, *, copy: bool = True, source: Path = SAMPLES / "fatture_ok.csv") -> ImportRun:
    run = services.receive_file(
        utility=utility,
        kind="fatture",
        as_of=date(2010, 2, 28),
        source=source,
        file_name=source.name,
        copy=copy,
    )
    return services.run_import(run=run)


@pytest.mark.django_db
def test_received_files_are_deleted_after_the_retention_keeping_hash_and_report(
    client_for, utility, settings, var_dir
):
    # given a file received on 1 March 2010, imported
    settings.IMPORT_FILE_RETENTION_DAYS = 90
    with time_machine.travel(date(2010, 3, 1), tick=False):
        run = receive(utility)
    assert run.status == ImportStatus.DONE and Path(run.file_path).exists()
    digest, created = run.sha256, run.created
    # when the daily follow-up runs on day 90, then on day 91, and again
    with time_machine.travel(date(2010, 3, 1) + timedelta(days=90), tick=False):
        run_daily()
    assert Path(run.file_path).exists()
    deleted_on = date(2010, 3, 1) + timedelta(days=91)
    with time_machine.travel(deleted_on, tick=False):
        outcome = run_daily().outcome
        again = run_daily().outcome
    # then the file is gone, dated once, its hash and report kept
    run.refresh_from_db()
    assert not Path(run.file_path).exists()
    assert outcome["file importati scaduti"] == {"file eliminati": 1}
    assert again["file importati scaduti"] == {"file eliminati": 0}
    assert (run.file_deleted_on, run.sha256, run.created) == (deleted_on, digest, created)
    page = client_for("aem.lettore").get(reverse("ledger:import-detail", args=[run.pk])).content.decode()
    assert "file eliminato il 31/05/2010" in page


@pytest.mark.django_db
def test_retention_never_deletes_a_file_the_command_read_in_place(utility, settings, tmp_path):
    source = tmp_path / "fatture_ok.csv"
    source.write_bytes((SAMPLES / "fatture_ok.csv").read_bytes())
    with time_machine.travel(date(2010, 3, 1), tick=False):
        run = receive(utility, copy=False, source=source)
    with time_machine.travel(date(2011, 3, 1), tick=False):
        run_daily()
    run.refresh_from_db()
    assert source.exists() and run.file_deleted_on is None
