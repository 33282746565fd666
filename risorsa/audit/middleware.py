from risorsa.audit.services import record_access


class AdminAccessMiddleware:
    """Every request a logged-in user makes to the Django admin writes an access row.

    Recognised by the URL's namespace, not by its path, so that it follows `settings.ADMIN_PATH`.
    An anonymous request there only reaches the admin's login form, which shows no data.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        if match and "admin" in match.namespaces and request.user.is_authenticated:
            record_access(request, rows=None, what=match.view_name)
        return None
