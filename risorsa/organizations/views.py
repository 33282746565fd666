"""Login with an optional second factor, its enrollment, and a rate-limited password reset."""

from base64 import b32encode
from datetime import timedelta

import qrcode
import qrcode.image.svg
from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_lockout_response
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth import login as auth_login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.signals import user_login_failed
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login

from risorsa.security import selectors as security_selectors
from risorsa.security import services as security_services
from risorsa.security.client import client_address

# Between the password and the token the user is not logged in: the session only remembers who
# gave the right password, for a few minutes.
PENDING_LOGIN = "risorsa.pending_login"
PENDING_LOGIN_TTL = timedelta(minutes=5)
HOUR = timedelta(hours=1)


class LoginForm(AuthenticationForm):
    """Django's login form, in the words of Risorsa's users; drawn by partials/form_fields.html."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": gettext_lazy("Nome utente o password non corretti. Riprova."),
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].label = gettext_lazy("nome utente")
        self.fields["password"].label = gettext_lazy("password")


class TokenForm(forms.Form):
    token = forms.CharField(
        label=gettext_lazy("Codice a 6 cifre"),
        max_length=6,
        min_length=6,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "pattern": "[0-9]{6}"}
        ),
    )

    def clean_token(self) -> str:
        token = self.cleaned_data["token"].strip()
        if not token.isdigit():
            raise ValidationError(_("Il codice è fatto di 6 cifre."))
        return token


class LoginView(auth_views.LoginView):
    """Password first; a user with a confirmed device then gives a token before being logged in."""

    authentication_form = LoginForm

    def form_valid(self, form):
        user = form.get_user()
        if security_selectors.confirmed_totp_device(user=user) is None:
            return super().form_valid(form)
        self.request.session[PENDING_LOGIN] = {
            "user": user.pk,
            "backend": user.backend,
            "next": self.get_success_url(),
            "at": timezone.now().isoformat(),
        }
        return redirect("login-token")


def _pending_login(request) -> dict | None:
    pending = request.session.get(PENDING_LOGIN)
    if not pending:
        return None
    started = timezone.datetime.fromisoformat(pending["at"])
    if timezone.now() - started > PENDING_LOGIN_TTL:
        del request.session[PENDING_LOGIN]
        return None
    return pending


def _safe_next(request, url: str | None) -> str:
    if url and url_has_allowed_host_and_scheme(url, {request.get_host()}, request.is_secure()):
        return url
    return settings.LOGIN_REDIRECT_URL


@require_http_methods(["GET", "POST"])
def login_token(request):
    """Second step of the login, or the check a manager owes when the setting requires it."""
    pending = _pending_login(request)
    if pending:
        user = get_user_model().objects.get(pk=pending["user"])
        next_url = pending["next"]
    elif request.user.is_authenticated:
        if security_selectors.confirmed_totp_device(user=request.user) is None:
            return redirect("second-factor-enroll")
        user = request.user
        next_url = request.GET.get("next") or request.POST.get("next")
    else:
        return redirect("login")
    credentials = {"username": user.get_username()}
    if AxesProxyHandler.is_locked(request, credentials):
        return get_lockout_response(request, credentials=credentials)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = security_services.verify_second_factor(user=user, token=form.cleaned_data["token"])
        if device is not None:
            if pending:
                request.session.pop(PENDING_LOGIN, None)
                auth_login(request, user, backend=pending["backend"])
            otp_login(request, device)
            return redirect(_safe_next(request, next_url))
        # A wrong token counts as a failed login: the user name's lock-out covers both factors.
        user_login_failed.send(sender=__name__, credentials=credentials, request=request)
        if getattr(request, "axes_locked_out", False):
            return get_lockout_response(request, credentials=credentials)
        form.add_error(
            "token",
            _(
                "Il codice non è valido o è già stato usato. "
                "Dopo un errore attendi qualche secondo prima di riprovare."
            ),
        )
    return render(request, "registration/login_token.html", {"form": form, "next": next_url or ""})


def _qr_svg(data: str) -> str:
    image = qrcode.make(data, image_factory=qrcode.image.svg.SvgPathImage, box_size=8, border=2)
    return image.to_string(encoding="unicode")


@login_required
@require_http_methods(["GET", "POST"])
def second_factor_enroll(request):
    """A user adds an authenticator app: QR code and secret, confirmed by a first token."""
    if security_selectors.confirmed_totp_device(user=request.user) is not None:
        return render(request, "registration/second_factor.html", {"enrolled": True})
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device = security_services.confirm_totp_device(
                user=request.user, token=form.cleaned_data["token"]
            )
        except ValidationError as exc:
            form.add_error("token", exc)
        else:
            otp_login(request, device)
            messages.success(
                request, _("Verifica in due passaggi attivata: al prossimo accesso ti chiederemo il codice.")
            )
            return redirect(settings.LOGIN_REDIRECT_URL)
    device = security_services.start_totp_enrollment(user=request.user)
    secret = b32encode(device.bin_key).decode()
    context = {
        "form": form,
        "enrolled": False,
        "second_factor_required": settings.MANAGER_TOTP_REQUIRED,
        # Built here from our own data: an inline SVG needs no image source the CSP would refuse.
        "qr_svg": mark_safe(_qr_svg(device.config_url)),  # noqa: S308
        "secret": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
    }
    return render(request, "registration/second_factor.html", context)


class PasswordResetView(auth_views.PasswordResetView):
    """At most a few requests an hour per e-mail and per client address, across processes.

    Past the e-mail's limit the page answers as always and sends nothing, so that it tells no
    one whether an address is known; past the address's limit it says to wait.
    """

    def form_valid(self, form):
        allowed_from_here = security_services.take_attempt(
            action="password-reset-address",
            value=client_address(self.request),
            limit=settings.PASSWORD_RESET_LIMIT_PER_ADDRESS,
            window=HOUR,
        )
        if not allowed_from_here:
            form.add_error(None, _("Troppe richieste di reimpostazione da questa rete: riprova fra un'ora."))
            return self.render_to_response(self.get_context_data(form=form), status=429)
        allowed_for_email = security_services.take_attempt(
            action="password-reset-email",
            value=form.cleaned_data["email"],
            limit=settings.PASSWORD_RESET_LIMIT_PER_EMAIL,
            window=HOUR,
        )
        if not allowed_for_email:
            return HttpResponseRedirect(self.get_success_url())
        return super().form_valid(form)
