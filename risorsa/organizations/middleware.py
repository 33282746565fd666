from django.utils.functional import SimpleLazyObject

from risorsa.organizations.selectors import membership_for


class MembershipMiddleware:
    """Put the user's Membership (organization and role) on the request, loaded once, lazily."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.membership = SimpleLazyObject(lambda: membership_for(user=request.user))
        return self.get_response(request)
