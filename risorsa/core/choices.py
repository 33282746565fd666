"""Status choices that say how each status looks, for the one status badge (`{% status_badge %}`)."""

from django.db import models


class TonedChoices(models.TextChoices):
    """A workflow's statuses. A subclass declares `TONES = enum.nonmember({value: tone})` with a
    Bootstrap Italia colour per status (success, primary, warning, danger); the others are
    secondary. Pages never repeat which status is which colour."""

    @classmethod
    def tone_of(cls, value) -> str:
        tones = getattr(cls, "TONES", {})
        return tones.get(str(value), "secondary")
