from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _


class SecurityConfig(AppConfig):
    default = True
    name = "risorsa.security"
    label = "security"
    verbose_name = _("Sicurezza")


class SuperuserAdminConfig(admin_apps.AdminConfig):
    """Django's admin, with a site that only superusers may enter (see settings.INSTALLED_APPS)."""

    default = False
    default_site = "risorsa.security.admin_site.SuperuserAdminSite"
