"""View guards derived from the user's Membership: organization kind and role."""

from collections.abc import Callable, Iterable
from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _

from risorsa.organizations.models import Role


def membership_required(
    view: Callable | None = None,
    *,
    kinds: Iterable[str] | None = None,
    roles: Iterable[str] | None = None,
):
    """Require a logged-in member of one of `kinds` (else 404: for another kind the page does
    not exist, as for objects outside their scope) with one of `roles` (else 403)."""
    allowed_kinds = set(kinds) if kinds else None
    allowed_roles = set(roles) if roles else None

    def decorator(view_func):
        @wraps(view_func)
        def wrapper(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            membership = request.membership
            if not membership:
                raise PermissionDenied(_("Il tuo utente non appartiene a nessuna organizzazione."))
            if allowed_kinds and membership.organization.kind not in allowed_kinds:
                raise Http404(_("La tua organizzazione non ha accesso a questa funzione."))
            if allowed_roles and membership.role not in allowed_roles:
                raise PermissionDenied(_("Il tuo ruolo non consente questa operazione."))
            return view_func(request, *args, **kwargs)

        return wrapper

    return decorator(view) if view else decorator


WRITERS = (Role.OPERATOR, Role.MANAGER)
MANAGERS = (Role.MANAGER,)


def require_role(membership, *, kind: str, roles: Iterable[str]) -> None:
    """Inside a page two kinds share, refuse (403) an action meant for another kind or role."""
    if membership.organization.kind != kind or membership.role not in roles:
        raise PermissionDenied(_("Il tuo ruolo non consente questa operazione."))
