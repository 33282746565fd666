"""Who is asking: the client's address as far as this deployment can know it."""

from django.conf import settings
from django.http import HttpRequest


def client_address(request: HttpRequest) -> str:
    """The client's address: from the trusted proxy's header when configured, else the peer's.

    A proxy appends the address it saw to X-Forwarded-For; entries left of it come from the
    client and may be forged, so only the right-most one is believed.
    """
    header = settings.TRUSTED_PROXY_HEADER
    if header:
        forwarded = [part.strip() for part in request.META.get(header, "").split(",") if part.strip()]
        if forwarded:
            return forwarded[-1]
    return request.META.get("REMOTE_ADDR", "")
