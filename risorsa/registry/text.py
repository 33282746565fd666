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
