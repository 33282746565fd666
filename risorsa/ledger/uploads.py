"""Files received from the utility: bounded in size, plain CSV text, kept private until deleted.

An upload is checked while it streams (`CheckedUploadHandler`): past the size limit, or at the
first bytes that cannot be CSV text, the rest of it is discarded and nothing reaches the disk.
Files are kept under settings.VAR_DIR/imports/ (never a served folder), mode 0600, under a random
name; the name the utility gave is only shown, cleaned of any path.
"""

import codecs
import os
import re
import secrets
from collections.abc import Iterable
from pathlib import Path

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from risorsa.core.exceptions import DomainError

CHUNK = 1 << 20

# The first bytes of the binary formats most likely to be sent by mistake (or on purpose).
SIGNATURES: tuple[tuple[bytes, Promise], ...] = (
    (b"MZ", gettext_lazy("programma Windows")),
    (b"\x7fELF", gettext_lazy("programma")),
    (b"PK\x03\x04", gettext_lazy("archivio ZIP o foglio Excel")),
    (b"\xd0\xcf\x11\xe0", gettext_lazy("documento Office (Excel 97-2003)")),
    (b"%PDF", gettext_lazy("PDF")),
    (b"\x89PNG", gettext_lazy("immagine PNG")),
    (b"\xff\xd8\xff", gettext_lazy("immagine JPEG")),
    (b"GIF8", gettext_lazy("immagine GIF")),
    (b"\x1f\x8b", gettext_lazy("archivio gzip")),
    (b"BZh", gettext_lazy("archivio bzip2")),
    (b"7z\xbc\xaf", gettext_lazy("archivio 7-Zip")),
    (b"Rar!", gettext_lazy("archivio RAR")),
    (b"\xfd7zXZ", gettext_lazy("archivio xz")),
    (b"SQLite format 3", gettext_lazy("database SQLite")),
)
# Bytes Windows-1252 leaves undefined: a file that is not UTF-8 and holds one of them is no text.
CP1252_UNDEFINED = re.compile(rb"[\x81\x8d\x8f\x90\x9d]")
# Control characters no CSV holds (tab, line feed, form feed and carriage return are allowed).
CONTROL = re.compile(rb"[\x00-\x08\x0b\x0e-\x1f]")


class UploadRefused(DomainError):
    """A file refused before it is stored: too large, or not CSV text."""


def max_upload_bytes() -> int:
    return settings.RISORSA_MAX_UPLOAD_MB * 1024 * 1024


def too_large_message() -> str:
    return _(
        "Il file supera il limite di %(limit)s MB: dividilo in più file o chiedi all'amministratore "
        "di alzare il limite (RISORSA_MAX_UPLOAD_MB)."
    ) % {"limit": settings.RISORSA_MAX_UPLOAD_MB}


class TextCheck:
    """Fed a file chunk by chunk, refuses it as soon as it is clearly not a CSV text file.

    Text means: no NUL or other control bytes, and either valid UTF-8 or Windows-1252 (the two
    encodings the importer reads); the first bytes are not those of a known binary format.
    """

    def __init__(self, *, limit: int | None = None):
        self.limit = max_upload_bytes() if limit is None else limit
        self.size = 0
        self.lines = 0  # line endings fed so far, and bytes since the last: where a bad byte is
        self._column = 0
        self._utf8 = codecs.getincrementaldecoder("utf-8")("strict")
        self._is_utf8 = True
        self._cp1252 = True

    def feed(self, chunk: bytes) -> None:
        if self.size == 0:
            self._check_signature(chunk)
        self.size += len(chunk)
        if self.size > self.limit:
            raise UploadRefused(too_large_message())
        control = CONTROL.search(chunk)
        if control:
            at = control.start()
            line_start = chunk.rfind(b"\n", 0, at)  # -1: the line began in an earlier chunk
            raise UploadRefused(
                _(
                    "Riga %(line)s, carattere %(column)s: il file contiene un carattere di controllo "
                    "(byte 0x%(byte)02X%(nul)s): non è un file CSV di testo, o è danneggiato."
                )
                % {
                    "line": self.lines + chunk.count(b"\n", 0, at) + 1,
                    "column": at - line_start if line_start >= 0 else self._column + at + 1,
                    "byte": chunk[at],
                    "nul": _(", un byte nullo") if chunk[at] == 0 else "",
                }
            )
        last_newline = chunk.rfind(b"\n")
        self._column = len(chunk) - last_newline - 1 if last_newline >= 0 else self._column + len(chunk)
        self.lines += chunk.count(b"\n")
        if self._is_utf8:
            try:
                self._utf8.decode(chunk)
            except UnicodeDecodeError:
                self._is_utf8 = False
        if self._cp1252 and CP1252_UNDEFINED.search(chunk):
            self._cp1252 = False
        self._check_encoding()

    def finish(self) -> None:
        if self.size == 0:
            raise UploadRefused(_("Il file è vuoto."))
        if self._is_utf8:
            try:
                self._utf8.decode(b"", final=True)
            except UnicodeDecodeError:
                self._is_utf8 = False
        self._check_encoding()

    def _check_signature(self, chunk: bytes) -> None:
        for signature, what in SIGNATURES:
            if chunk.startswith(signature):
                raise UploadRefused(
                    _("Il file è un %(what)s, non un file CSV di testo: esporta i dati in formato CSV.")
                    % {"what": what}
                )

    def _check_encoding(self) -> None:
        if not self._is_utf8 and not self._cp1252:
            raise UploadRefused(
                _("Il file non è testo in codifica UTF-8 né Windows-1252: salvalo come CSV in una delle due.")
            )


def check_chunks(chunks: Iterable[bytes]) -> int:
    """Refuse (UploadRefused) what is too large or not CSV text; return the size in bytes."""
    check = TextCheck()
    for chunk in chunks:
        check.feed(chunk)
    check.finish()
    return check.size


def read_chunks(path: Path) -> Iterable[bytes]:
    with path.open("rb") as stream:
        while chunk := stream.read(CHUNK):
            yield chunk


def clean_file_name(name: str) -> str:
    """The name as the utility gave it, without folders or control characters ("../../a.exe" -> "a.exe")."""
    base = re.split(r"[\\/]", name or "")[-1]
    base = "".join(ch for ch in base if ch.isprintable()).strip().lstrip(".").strip()
    return base[:255] or "file.csv"


def imports_dir() -> Path:
    """Where received files wait and are kept: under VAR_DIR, readable by the service user only."""
    folder = Path(settings.VAR_DIR) / "imports"
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    return folder


def is_kept_file(path: str | Path) -> bool:
    """A file of the imports folder (the ones this program stored, and may delete)."""
    if not path:
        return False
    return Path(path).resolve().parent == imports_dir().resolve()


def store(chunks: Iterable[bytes]) -> Path:
    """Write checked chunks to a new private file (0600, random name); nothing is left if refused."""
    path = imports_dir() / f"{secrets.token_hex(16)}.csv"
    check = TextCheck()
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(descriptor, "wb") as target:
            for chunk in chunks:
                check.feed(chunk)
                target.write(chunk)
        check.finish()
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return path


class CheckedUploadHandler(FileUploadHandler):
    """First upload handler of the import page: refuses a file while it streams.

    Past the size limit or at the first chunk that is not CSV text, the file is skipped (Django
    discards the rest and closes the temporary file); the reason is left on the request for the
    form (`request.upload_refusals`, field name -> message).
    """

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        self.refusals: dict[str, str] = {}
        setattr(self.request, "upload_refusals", self.refusals)  # noqa: B010 - not an HttpRequest attribute
        self.declared_too_large = content_length > max_upload_bytes() + 64 * 1024

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        self.check = TextCheck()
        if self.declared_too_large:
            self._refuse(too_large_message())

    def receive_data_chunk(self, raw_data, start):
        try:
            self.check.feed(raw_data)
        except UploadRefused as refusal:
            self._refuse(refusal.message)
        return raw_data

    def file_complete(self, file_size):
        # Too late to skip the file (Django calls this outside its SkipFile guard): the form
        # reads the refusal and never stores the file.
        try:
            self.check.finish()
        except UploadRefused as refusal:
            self.refusals[self.field_name] = refusal.message
        return None

    def _refuse(self, message: str):
        self.refusals[self.field_name] = message
        raise SkipFile
