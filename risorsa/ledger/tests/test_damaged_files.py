"""Damaged input is never stored silently: each damaged file is rejected or flagged with its line,
and nothing of a rejected file is written (issue 10)."""

import errno
import tempfile

import pytest
from django.db import OperationalError

from risorsa.ledger import services
from risorsa.ledger.importing import engine, source
from risorsa.ledger.importing.engine import ImportFailed
from risorsa.ledger.importing.staging import Stager
from risorsa.ledger.models import Bill, Customer, ImportIssue, ImportRun, ImportStatus, SupplyPoint
from risorsa.ledger.tests.helpers import EXTRACTION, SAMPLES, import_file, import_sample
from risorsa.ledger.uploads import UploadRefused
from risorsa.registry.models import Person

HEADER_WIDTH = 12


def sample_lines() -> list[str]:
    """The lines of fatture_ok.csv, the addresses with an accented letter: line 1 is the header,
    lines 2 to 46 its 45 bills."""
    return (
        (SAMPLES / "fatture_ok.csv")
        .read_text(encoding="utf-8")
        .replace("Via Dante", "Via Libertà")
        .splitlines()
    )


def write(tmp_path, content: bytes, name: str = "fatture.csv"):
    path = tmp_path / name
    path.write_bytes(content)
    return path


def as_bytes(lines: list[str]) -> bytes:
    """The lines as a UTF-8 file, each ended by its line feed."""
    return ("\n".join(lines) + "\n").encode()


def nothing_written() -> bool:
    return not (Bill.objects.exists() or Customer.objects.exists() or Person.objects.exists())


# 1. Mixed encodings


@pytest.mark.django_db(transaction=True)
def test_a_file_that_switches_from_utf8_to_windows_1252_is_rejected_naming_the_first_bad_line(
    utility, tmp_path
):
    lines = sample_lines()
    content = "\n".join(lines[:4]).encode("utf-8") + b"\n" + "\n".join(lines[4:]).encode("cp1252") + b"\n"
    run = import_file(utility, "fatture", write(tmp_path, content))
    assert run.status == ImportStatus.REJECTED
    assert "Codifica mista" in run.failure and "riga 5 " in run.failure
    assert nothing_written()


@pytest.mark.django_db(transaction=True)
def test_a_utf8_file_with_a_bom_and_windows_1252_bytes_later_is_rejected(utility, tmp_path):
    lines = sample_lines()
    lines[1] = lines[1].replace("Libertà", "Dante")  # the BOM is the only multi-byte sequence
    content = b"\xef\xbb\xbf" + "\n".join(lines[:2]).encode("utf-8") + b"\n"
    content += "\n".join(lines[2:]).encode("cp1252") + b"\n"
    run = import_file(utility, "fatture", write(tmp_path, content))
    assert run.status == ImportStatus.REJECTED
    assert "riga 3 " in run.failure
    assert nothing_written()


@pytest.mark.django_db(transaction=True)
def test_a_windows_1252_file_is_still_accepted_and_read_right(utility, tmp_path):
    content = ("\n".join(sample_lines()) + "\n").encode("cp1252")
    run = import_file(utility, "fatture", write(tmp_path, content))
    assert run.status == ImportStatus.DONE
    assert run.created == 45 and run.warnings == []
    assert set(SupplyPoint.objects.values_list("address", flat=True)) >= {"Via Libertà 1, Cremona"}


def test_encoding_detection_holds_across_chunk_boundaries(monkeypatch, tmp_path):
    """A UTF-8 character split between two reads is UTF-8; a Windows-1252 byte at the end of a
    read, with only ASCII before it, is Windows-1252 and not a mixed file."""
    monkeypatch.setattr(source, "CHUNK", 5)
    utf8 = write(tmp_path, "a;b\nxxà;y\nz;é\n".encode(), "utf8.csv")  # "à" spans bytes 8 and 9
    assert (source.inspect(utf8).encoding, source.inspect(utf8).mixed_line) == ("utf-8", None)
    cp1252 = write(tmp_path, "a;b\nà;y\nz;é\n".encode("cp1252"), "cp1252.csv")  # "à" is byte 5
    assert (source.inspect(cp1252).encoding, source.inspect(cp1252).mixed_line) == ("cp1252", None)
    mixed = write(tmp_path, "a;b\nxà;y\n".encode() + "z;é\n".encode("cp1252"), "mixed.csv")
    assert source.inspect(mixed).mixed_line == 3
    cut = write(tmp_path, "a;b\nà;y\n".encode() + "z;é".encode()[:-1], "cut.csv")
    assert source.inspect(cut).mixed_line == 3


# 2. Last line cut short


@pytest.mark.django_db(transaction=True)
def test_a_last_line_without_its_line_ending_is_imported_with_a_warning_naming_it(utility, tmp_path):
    content = "\n".join(sample_lines()).encode()[:-1]  # "13,81" cut to "13,8", no line ending
    run = import_file(utility, "fatture", write(tmp_path, content))
    assert run.status == ImportStatus.DONE
    assert run.warnings == [{"reason": "unterminated", "params": {"line": 46}}]  # worded when shown
    assert "riga 46" in run.warning_texts[0] and "troncato" in run.warning_texts[0]


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("name", ["fatture_ok.csv", "fatture_errori.csv"])
def test_the_shared_samples_end_with_a_line_ending_and_get_no_such_warning(utility, name):
    assert (SAMPLES / name).read_bytes().endswith(b"\n")
    run = import_sample(utility, "fatture", name)
    assert not any("a capo" in warning for warning in run.warning_texts)


# 3. More cells than the header


@pytest.mark.django_db(transaction=True)
def test_a_row_with_more_cells_than_the_header_is_an_invalid_row(utility, tmp_path):
    lines = sample_lines()
    lines[2] += ";IN PIÙ"
    run = import_file(utility, "fatture", write(tmp_path, as_bytes(lines)))
    assert run.status == ImportStatus.REJECTED
    issue = ImportIssue.objects.get(run=run)
    assert issue.line == 3
    assert (issue.reason, issue.params) == ("long_row", {"cells": HEADER_WIDTH + 1, "header": HEADER_WIDTH})
    assert issue.reason_text.startswith(f"la riga ha {HEADER_WIDTH + 1} campi, l'intestazione {HEADER_WIDTH}")
    assert issue.value == "IN PIÙ"
    assert nothing_written()


@pytest.mark.django_db(transaction=True)
def test_a_row_of_two_million_cells_is_an_invalid_row(utility, tmp_path):
    lines = sample_lines()
    lines[5] += ";" * 2_000_000
    run = import_file(utility, "fatture", write(tmp_path, as_bytes(lines)))
    assert run.status == ImportStatus.REJECTED
    issue = ImportIssue.objects.get(run=run)
    assert issue.line == 6 and "2000012 campi" in issue.reason_text
    assert nothing_written()


# 4. NUL bytes


def import_damaged_after_receipt(utility, path, content: bytes) -> ImportRun:
    """The receipt refuses a file holding NUL or control bytes (uploads.TextCheck); a file that
    reaches the engine damaged anyway (altered on disk after its receipt, a stored file re-queued)
    meets the engine's own check."""
    path.write_bytes((SAMPLES / "fatture_ok.csv").read_bytes())
    run = services.receive_file(
        utility=utility, kind="fatture", as_of=EXTRACTION, source=path, file_name=path.name, copy=False
    )
    path.write_bytes(content)
    return services.run_import(run=run)


def test_the_receipt_already_refuses_a_file_with_a_nul_byte(utility, tmp_path):
    path = write(tmp_path, b"codice_cliente;cognome\nC1;RO\x00SSI\n")
    with pytest.raises(UploadRefused):
        import_file(utility, "fatture", path)


@pytest.mark.django_db(transaction=True)
def test_a_nul_byte_is_an_invalid_row_naming_line_and_column(utility, tmp_path):
    lines = sample_lines()
    lines[3] = lines[3].replace("ROSSI", "RO\x00SSI")
    content = as_bytes(lines)
    run = import_damaged_after_receipt(utility, tmp_path / "fatture.csv", content)
    assert run.status == ImportStatus.REJECTED
    issue = ImportIssue.objects.get(run=run)
    assert (issue.line, issue.column, issue.value) == (4, "cognome", "RO\\0SSI")
    assert "NUL" in issue.reason_text
    assert nothing_written()


@pytest.mark.django_db(transaction=True)
def test_a_nul_byte_in_the_header_rejects_the_file(utility, tmp_path):
    lines = sample_lines()
    lines[0] += ";note\x00"
    content = as_bytes(lines)
    run = import_damaged_after_receipt(utility, tmp_path / "fatture.csv", content)
    assert run.status == ImportStatus.REJECTED
    assert "NUL" in run.failure and run.warnings == []
    assert nothing_written()


# 5. Header and fields capped


@pytest.mark.django_db(transaction=True)
def test_a_header_of_more_than_200_columns_rejects_the_file_before_any_row(utility, tmp_path):
    lines = sample_lines()
    lines[0] += "".join(f";extra{number}" for number in range(201 - HEADER_WIDTH))
    run = import_file(utility, "fatture", write(tmp_path, as_bytes(lines)))
    assert run.status == ImportStatus.REJECTED
    assert "201 colonne" in run.failure and "200" in run.failure
    assert (run.warnings, run.rows_done, run.issues.count()) == ([], 0, 0)


@pytest.mark.django_db(transaction=True)
def test_a_header_of_two_million_columns_is_rejected_before_any_row_storing_no_warning(utility, tmp_path):
    lines = sample_lines()
    lines[0] += ";x" * 2_000_000
    run = import_file(utility, "fatture", write(tmp_path, as_bytes(lines)))
    assert run.status == ImportStatus.REJECTED
    assert "intestazione" in run.failure
    assert (run.warnings, run.rows_done) == ([], 0)


@pytest.mark.django_db(transaction=True)
def test_a_field_of_absurd_length_rejects_the_file_naming_its_line(utility, tmp_path):
    lines = sample_lines()
    lines[2] = lines[2].replace("Via Libertà 1", "A" * 5_000_000)
    run = import_file(utility, "fatture", write(tmp_path, as_bytes(lines)))
    assert run.status == ImportStatus.REJECTED
    assert run.failure.startswith("Riga 3:") and "AAAA" not in run.failure
    assert nothing_written()


def test_reading_rows_leaves_the_process_field_limit_as_it_was(tmp_path):
    import csv

    before = csv.field_size_limit()
    path = write(tmp_path, b"a;b\n1;2\n")
    table = source.open_table(source.inspect(path), required=("a",), optional=("b",))
    assert list(table.rows(("a", "b"), damaged=lambda issues: None)) == [(2, ["1", "2"])]
    assert csv.field_size_limit() == before


# 6. Disk and database errors


@pytest.fixture
def spools(monkeypatch):
    """Every temporary file the engine opens."""
    opened = []
    real = tempfile.TemporaryFile

    def spy(*args, **kwargs):
        spool = real(*args, **kwargs)
        opened.append(spool)
        return spool

    monkeypatch.setattr(engine.tempfile, "TemporaryFile", spy)
    return opened


@pytest.mark.django_db(transaction=True)
def test_a_full_disk_while_staging_fails_the_run_with_a_message_naming_it_and_no_temporary_file(
    utility, monkeypatch, spools
):
    def full(self, table=None):
        raise OSError(errno.ENOSPC, "No space left on device", "spool-of-run.csv")

    monkeypatch.setattr(Stager, "flush", full)
    # fatture_errori.csv has invalid rows: their issues are spooled before the disk fills up.
    with pytest.raises(ImportFailed) as failure:
        import_sample(utility, "fatture", "fatture_errori.csv")
    run = ImportRun.objects.get()
    assert run.status == ImportStatus.FAILED
    assert str(failure.value) == run.failure
    assert f"n. {run.pk}" in run.failure and "ENOSPC" in run.failure and "disco" in run.failure
    assert "spool-of-run.csv" not in run.failure
    assert spools and all(spool.closed for spool in spools)
    assert nothing_written() and not run.issues.exists()


@pytest.mark.django_db(transaction=True)
def test_a_database_out_of_space_is_said_as_such(utility, monkeypatch, spools):
    def full(self, table=None):
        raise OperationalError("database or disk is full")

    monkeypatch.setattr(Stager, "flush", full)
    with pytest.raises(ImportFailed):
        import_sample(utility, "fatture", "fatture_ok.csv")
    run = ImportRun.objects.get()
    assert run.status == ImportStatus.FAILED
    assert f"n. {run.pk}" in run.failure and "disco" in run.failure
    assert nothing_written()


@pytest.mark.django_db(transaction=True)
def test_the_issue_spool_is_closed_on_rejection_and_never_opened_for_a_valid_file(utility, spools):
    assert import_sample(utility, "fatture", "fatture_ok.csv").status == ImportStatus.DONE
    assert spools == []
    assert import_sample(utility, "fatture", "fatture_errori.csv").status == ImportStatus.REJECTED
    assert len(spools) == 1 and spools[0].closed
