from django.contrib.admin import AdminSite
from django.utils.translation import gettext_lazy as _


class SuperuserAdminSite(AdminSite):
    """Site administration sees every organization's data unscoped: superusers only, not staff."""

    site_header = _("Risorsa · amministrazione del sito")
    site_title = _("Risorsa · amministrazione")

    def has_permission(self, request):
        return request.user.is_active and request.user.is_superuser
