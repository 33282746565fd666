from urllib.parse import urlencode

from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from django_htmx.http import HttpResponseClientRedirect

from risorsa.organizations.models import Role
from risorsa.organizations.selectors import membership_for
from risorsa.security.selectors import confirmed_totp_device


class MembershipMiddleware:
    """Put the user's Membership (organization and role) on the request, loaded once, lazily."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.membership = SimpleLazyObject(lambda: membership_for(user=request.user))
        return self.get_response(request)


class ManagerSecondFactorMiddleware:
    """With MANAGER_TOTP_REQUIRED, a manager without a verified second factor reaches only the
    pages that give one: enrollment when no device is confirmed, else the token page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if settings.MANAGER_TOTP_REQUIRED and self._owes_second_factor(request):
            return self._send_to_second_factor(request)
        return self.get_response(request)

    @staticmethod
    def _owes_second_factor(request) -> bool:
        if not request.user.is_authenticated or request.user.is_verified():
            return False
        membership = request.membership
        if not membership or membership.role != Role.MANAGER:
            return False
        allowed = [
            reverse(name) for name in ("second-factor-enroll", "login-token", "logout", "set_language")
        ]
        return request.path not in allowed and not request.path.startswith(settings.STATIC_URL)

    @staticmethod
    def _send_to_second_factor(request):
        if confirmed_totp_device(user=request.user) is None:
            url = reverse("second-factor-enroll")
        else:
            url = f"{reverse('login-token')}?{urlencode({'next': request.get_full_path()})}"
        if getattr(request, "htmx", False):
            return HttpResponseClientRedirect(url)
        return redirect(url)
