import unicodedata


def fold(text: str) -> str:
    """Lowercase without accents, for accent- and case-insensitive search ("Nicolò" -> "nicolo")."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
