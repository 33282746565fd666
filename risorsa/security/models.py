from django.db import models
from django.utils import timezone


class Attempt(models.Model):
    """One counted attempt at a rate-limited action, shared by every server process.

    The key is a keyed hash of who asked (an e-mail, an address), never the value itself; rows
    older than the action's window are deleted as new attempts arrive.
    """

    action = models.CharField(max_length=40)
    key = models.CharField(max_length=64)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["action", "key", "at"])]

    def __str__(self) -> str:
        return f"{self.action} {self.key[:8]}… {self.at:%Y-%m-%d %H:%M}"
