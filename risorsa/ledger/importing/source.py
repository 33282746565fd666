"""Reading the utility's files: encoding and delimiter detected, header checked, rows streamed.

Damaged input is never taken silently: a file that switches from UTF-8 to another encoding is
rejected, a header of more than MAX_COLUMNS columns (or of absurd length) is rejected before any
row is read, a field longer than MAX_FIELD_CHARS rejects the file, a row with more cells than the
header or with a NUL byte is an invalid row, and a last line without its line ending is flagged.
"""

import codecs
import csv
import hashlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from operator import itemgetter
from pathlib import Path

from django.utils.translation import gettext as _

from risorsa.core.exceptions import DomainError
from risorsa.ledger.importing import reasons
from risorsa.ledger.importing.common import Issue

CHUNK = 1 << 20
MAX_COLUMNS = 200
MAX_HEADER_CHARS = 64 * 1024  # 200 columns of generous names, far below what would cost time
MAX_FIELD_CHARS = 100_000  # no value of the contract comes near; an unclosed quote stops here


class FileRejected(DomainError):
    """The file as a whole cannot be read (encoding, header, missing columns)."""


@dataclass(frozen=True)
class SourceFile:
    path: Path
    sha256: str
    size: int
    encoding: str
    data_lines: int  # physical lines after the header: the progress bar's total
    mixed_line: int | None = None  # first line that is not UTF-8, in a file that began as UTF-8
    unterminated: bool = False  # the last line has no line ending: it may have been cut short
    has_nul: bool = False  # some byte is NUL: rows are then checked for it


def inspect(path: Path) -> SourceFile:
    """One binary pass: SHA-256, size, line count and encoding (UTF-8 with or without BOM, else
    Windows-1252).

    A file whose bytes are not all valid UTF-8 is read as Windows-1252 only when no valid
    multi-byte UTF-8 sequence came before its first invalid byte: a file that was UTF-8 up to
    some line and Windows-1252 after it (two exports concatenated, a hand edit) would otherwise
    store the UTF-8 part as mojibake ("LibertÃ "); `mixed_line` names that line and
    `open_table` rejects the file.
    """
    digest = hashlib.sha256()
    decoder = codecs.getincrementaldecoder("utf-8")("strict")
    utf8 = True
    multibyte = False  # a non-ASCII character decoded as UTF-8 so far
    mixed_line = None
    has_nul = False
    size = newlines = 0
    first = b""
    last = b""
    with path.open("rb") as stream:
        while chunk := stream.read(CHUNK):
            if not first:
                first = chunk[:3]
            digest.update(chunk)
            size += len(chunk)
            if utf8:
                pending = len(decoder.getstate()[0])  # a sequence begun in the previous chunk
                try:
                    text = decoder.decode(chunk)
                except UnicodeDecodeError as error:
                    utf8 = False
                    before = chunk[: max(0, error.start - pending)]
                    # error.start counts the pending bytes: past them, they completed a sequence
                    if multibyte or (pending and error.start >= pending) or not before.isascii():
                        mixed_line = newlines + before.count(b"\n") + 1
                else:
                    multibyte = multibyte or not text.isascii()
            has_nul = has_nul or b"\x00" in chunk
            newlines += chunk.count(b"\n")
            last = chunk
    if utf8:
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            utf8 = False
            if multibyte:
                mixed_line = newlines + 1
    lines = newlines + (1 if last and not last.endswith(b"\n") else 0)
    unterminated = bool(last) and not last.endswith((b"\n", b"\r"))
    if unterminated and not last[last.rfind(b"\n") + 1 :].strip():
        unterminated = False  # only blanks after the last line ending: nothing can be cut
    if first == codecs.BOM_UTF8:
        encoding = "utf-8-sig"
    elif utf8:
        encoding = "utf-8"
    else:
        encoding = "cp1252"
    return SourceFile(
        path=path,
        sha256=digest.hexdigest(),
        size=size,
        encoding=encoding,
        data_lines=max(0, lines - 1),
        mixed_line=mixed_line,
        unterminated=unterminated,
        has_nul=has_nul,
    )


@dataclass
class Table:
    """The rows of a file, as lists of strings in the order of `columns`, with their line numbers."""

    source: SourceFile
    delimiter: str
    index: dict[str, int]  # column name -> position in the file
    warnings: list[dict] = field(default_factory=list)  # reasons.warning()
    names: list[str] = field(default_factory=list)  # the header's cells, in order

    def rows(
        self, columns: tuple[str, ...], *, damaged: Callable[[list[Issue]], None]
    ) -> Iterator[tuple[int, list[str]]]:
        """(line number, raw values of `columns`) for every non-empty row; missing cells are ''.

        Values are not stripped here: readers strip what they keep, so that the common case
        (clean cells) costs nothing. A row with more cells than the header, or with a NUL byte,
        is not yielded: its issues go to `damaged`. The checks cost a clean row one length
        comparison (NUL is looked for only in a file that `inspect` found holding one).
        """
        width = len(self.names)
        positions = [self.index.get(name) for name in columns]
        # an extra empty cell, past the header's, stands for optional columns the file lacks
        pick = itemgetter(*[width if p is None else p for p in positions])
        padded = width + 1
        nul = self.source.has_nul
        line = 0
        previous_limit = csv.field_size_limit(MAX_FIELD_CHARS)
        try:
            with self.source.path.open(encoding=self.source.encoding, errors="replace", newline="") as stream:
                reader = csv.reader(stream, delimiter=self.delimiter)
                next(reader, None)
                line = reader.line_num
                for cells in reader:
                    line = reader.line_num
                    if len(cells) < padded:
                        if not any(cell.strip() for cell in cells):
                            continue
                        if nul and any("\x00" in cell for cell in cells):
                            damaged(self._nul_issues(line, cells))
                            continue
                        cells += [""] * (padded - len(cells))
                    else:
                        damaged(self._long_row_issues(line, cells))
                        continue
                    yield line, list(pick(cells))
        except csv.Error as error:
            raise FileRejected(
                _(
                    "Riga %(line)s: il file non si legge come CSV (%(error)s; forse un campo più lungo "
                    "di %(limit)s caratteri o una virgoletta non chiusa): nulla è stato importato."
                )
                % {"line": line + 1, "error": _field_error(error), "limit": MAX_FIELD_CHARS}
            ) from None
        finally:
            csv.field_size_limit(previous_limit)

    def _column(self, position: int) -> str:
        return self.names[position][:60] if position < len(self.names) else ""

    def _nul_issues(self, line: int, cells: list[str]) -> list[Issue]:
        return [
            Issue(line, self._column(position), cell.replace("\x00", "\\0"), "nul")
            for position, cell in enumerate(cells)
            if "\x00" in cell
        ]

    def _long_row_issues(self, line: int, cells: list[str]) -> list[Issue]:
        width = len(self.names)
        extra = self.delimiter.join(cells[width : width + 20])[:200].replace("\x00", "\\0")
        issues = [Issue(line, "", extra, "long_row", {"cells": len(cells), "header": width})]
        if self.source.has_nul:
            issues += self._nul_issues(line, cells[:width])
        return issues


def _field_error(error: csv.Error) -> str:
    text = str(error)
    return _("campo troppo lungo") if "field larger" in text else text[:100]


def open_table(source: SourceFile, *, required: tuple[str, ...], optional: tuple[str, ...]) -> Table:
    """Read the header: delimiter from it, names case-insensitive; missing required columns reject the file.

    A file cut short (its last line without a line ending) is taken with a warning naming that
    line, not rejected: the contract does not ask for a final line ending, and many good files
    lack it (spreadsheets, hand edits, scripts that join lines), so a rejection would turn those
    away. A cut that falls between fields already leaves the row with missing cells, an invalid
    row; only a cut inside the last field ("693,6" for "693,66") can pass validation, and the
    warning tells the operator which line to check against the utility's totals.
    """
    if source.mixed_line is not None:
        raise FileRejected(
            _(
                "Codifica mista: il file inizia in UTF-8 ma la riga %(line)s non è UTF-8 valido (forse "
                "Windows-1252). Nulla è stato importato: salva il file per intero in UTF-8 e riprova."
            )
            % {"line": source.mixed_line}
        )
    with source.path.open(encoding=source.encoding, errors="replace", newline="") as stream:
        header_line = stream.readline(MAX_HEADER_CHARS + 1)
    if len(header_line) > MAX_HEADER_CHARS:
        raise FileRejected(
            _(
                "La riga di intestazione supera %(limit)s caratteri: non è l'intestazione di un file "
                "del gestore. Nulla è stato importato."
            )
            % {"limit": MAX_HEADER_CHARS}
        )
    if not header_line.strip():
        raise FileRejected(_("Il file è vuoto: manca la riga di intestazione."))
    if "\x00" in header_line:
        raise FileRejected(
            _(
                "L'intestazione contiene un carattere NUL (byte zero): il file è danneggiato o non è "
                "un CSV di testo (forse UTF-16). Nulla è stato importato."
            )
        )
    delimiter = ";" if header_line.count(";") >= header_line.count(",") else ","
    names = [name.strip().lower() for name in next(csv.reader([header_line], delimiter=delimiter))]
    if len(names) > MAX_COLUMNS:
        raise FileRejected(
            _(
                "L'intestazione ha %(count)s colonne, più delle %(limit)s ammesse: il file non è "
                "un'esportazione del gestore. Nulla è stato importato."
            )
            % {"count": len(names), "limit": MAX_COLUMNS}
        )
    index: dict[str, int] = {}
    for position, name in enumerate(names):
        index.setdefault(name, position)
    missing = [name for name in required if name not in index]
    if missing:
        raise FileRejected(
            _(
                "Intestazione non valida: mancano le colonne %(columns)s (delimitatore letto: «%(delimiter)s»)."
            )
            % {"columns": ", ".join(missing), "delimiter": delimiter}
        )
    known = set(required) | set(optional)
    unknown = [name for name in names if name and name not in known]
    warnings = []
    if unknown:
        warnings.append(reasons.warning("unknown_columns", columns=", ".join(unknown)))
    if source.unterminated and source.data_lines:
        warnings.append(reasons.warning("unterminated", line=source.data_lines + 1))
    return Table(source=source, delimiter=delimiter, index=index, warnings=warnings, names=names)
