"""Reading the utility's files: encoding and delimiter detected, header checked, rows streamed."""

import codecs
import csv
import hashlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from operator import itemgetter
from pathlib import Path

from django.utils.translation import gettext as _

from risorsa.core.exceptions import DomainError

CHUNK = 1 << 20


class FileRejected(DomainError):
    """The file as a whole cannot be read (encoding, header, missing columns)."""


@dataclass(frozen=True)
class SourceFile:
    path: Path
    sha256: str
    size: int
    encoding: str
    data_lines: int  # physical lines after the header: the progress bar's total


def inspect(path: Path) -> SourceFile:
    """One binary pass: SHA-256, size, line count and encoding (UTF-8 with or without BOM, else Windows-1252)."""
    digest = hashlib.sha256()
    decoder = codecs.getincrementaldecoder("utf-8")("strict")
    utf8 = True
    size = newlines = 0
    first = b""
    last = b""
    with path.open("rb") as stream:
        while chunk := stream.read(CHUNK):
            if not first:
                first = chunk[:3]
            digest.update(chunk)
            size += len(chunk)
            newlines += chunk.count(b"\n")
            last = chunk
            if utf8:
                try:
                    decoder.decode(chunk)
                except UnicodeDecodeError:
                    utf8 = False
    if utf8:
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            utf8 = False
    lines = newlines + (1 if last and not last.endswith(b"\n") else 0)
    if first == codecs.BOM_UTF8:
        encoding = "utf-8-sig"
    elif utf8:
        encoding = "utf-8"
    else:
        encoding = "cp1252"
    return SourceFile(
        path=path, sha256=digest.hexdigest(), size=size, encoding=encoding, data_lines=max(0, lines - 1)
    )


@dataclass
class Table:
    """The rows of a file, as lists of strings in the order of `columns`, with their line numbers."""

    source: SourceFile
    delimiter: str
    index: dict[str, int]  # column name -> position in the file
    warnings: list[str] = field(default_factory=list)

    def rows(self, columns: tuple[str, ...]) -> Iterator[tuple[int, list[str]]]:
        """(line number, raw values of `columns`) for every non-empty row; missing cells are ''.

        Values are not stripped here: readers strip what they keep, so that the common case
        (clean cells) costs nothing.
        """
        positions = [self.index.get(name) for name in columns]
        absent = len(self.index)  # an extra empty cell stands for optional columns the file lacks
        pick = itemgetter(*[absent if p is None else p for p in positions])
        width = absent + 1
        with self.source.path.open(encoding=self.source.encoding, errors="replace", newline="") as stream:
            reader = csv.reader(stream, delimiter=self.delimiter)
            next(reader, None)
            for cells in reader:
                if len(cells) < width:
                    if not any(cell.strip() for cell in cells):
                        continue
                    cells += [""] * (width - len(cells))
                yield reader.line_num, list(pick(cells))


def open_table(source: SourceFile, *, required: tuple[str, ...], optional: tuple[str, ...]) -> Table:
    """Read the header: delimiter from it, names case-insensitive; missing required columns reject the file."""
    with source.path.open(encoding=source.encoding, errors="replace", newline="") as stream:
        header_line = stream.readline()
    if not header_line.strip():
        raise FileRejected(_("Il file è vuoto: manca la riga di intestazione."))
    delimiter = ";" if header_line.count(";") >= header_line.count(",") else ","
    names = [name.strip().lower() for name in next(csv.reader([header_line], delimiter=delimiter))]
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
        warnings.append(_("Colonne sconosciute ignorate: %(columns)s.") % {"columns": ", ".join(unknown)})
    return Table(source=source, delimiter=delimiter, index=index, warnings=warnings)
