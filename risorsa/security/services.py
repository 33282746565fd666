from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from risorsa.security.models import Attempt
from risorsa.security.selectors import confirmed_totp_device


def _key(action: str, value: str) -> str:
    return salted_hmac(f"risorsa.security.{action}", value.strip().lower()).hexdigest()


@transaction.atomic
def take_attempt(*, action: str, value: str, limit: int, window: timedelta) -> bool:
    """Count one attempt at `action` by `value`, unless `limit` were already counted in `window`."""
    now = timezone.now()
    key = _key(action, value)
    Attempt.objects.filter(action=action, at__lt=now - window).delete()
    if Attempt.objects.filter(action=action, key=key).count() >= limit:
        return False
    Attempt.objects.create(action=action, key=key, at=now)
    return True


def start_totp_enrollment(*, user) -> TOTPDevice:
    """The user's one unconfirmed TOTP device, created on first need (a reload keeps the secret)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice(user=user, name=str(_("App di autenticazione")), confirmed=False)
        device.full_clean()
        device.save()
    return device


@transaction.atomic
def confirm_totp_device(*, user, token: str) -> TOTPDevice:
    """A device counts only once the user proves it works with a token from it."""
    device = start_totp_enrollment(user=user)
    if not device.verify_token(token):
        raise ValidationError(_("Il codice non è valido: controlla l'ora del telefono e riprova."))
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    return device


def verify_second_factor(*, user, token: str) -> TOTPDevice | None:
    """The user's confirmed device that accepts `token` (each token once), or None."""
    device = confirmed_totp_device(user=user)
    if device is not None and device.verify_token(token):
        return device
    return None
