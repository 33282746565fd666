import unicodedata

_DROP = str.maketrans("", "", "'\u2019`\u00b4\".")


def fold(text: str) -> str:
    """Lowercase, without accents or apostrophes, single-spaced: "D'Angelo  Nicolò" -> "dangelo nicolo".

    Used for accent-insensitive search and to compare a name typed by the utility
    ("BERTOLE'") with the registry's ("BERTOLÈ").
    """
    if text.isascii():  # the common case, a hundred thousand times per import
        return " ".join(text.lower().translate(_DROP).split())
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold().translate(_DROP)
    return " ".join(plain.split())


def search_text(surname: str, name: str, codice_fiscale: str) -> str:
    """What the registry's search reads: folded "surname name" and the lowercase codice fiscale.

    The bulk writer (`registry.bulk.insert_people`) builds the same text in SQL from a folded
    name and the code: `folded || ' ' || lower(code)`; a test holds the two to one rule."""
    return f"{fold(f'{surname} {name}')} {codice_fiscale.lower()}"
