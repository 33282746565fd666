from django_otp.plugins.otp_totp.models import TOTPDevice


def confirmed_totp_device(*, user) -> TOTPDevice | None:
    """The user's confirmed TOTP device, if they enrolled one."""
    if not user.is_authenticated:
        return None
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()
