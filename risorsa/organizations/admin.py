from django.contrib import admin

from risorsa.organizations.models import Membership, Organization


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "code", "fiscal_code", "codice_catastale", "default_municipality"]
    list_filter = ["kind"]
    search_fields = ["name", "code", "fiscal_code"]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "organization", "role"]
    list_filter = ["organization", "role"]
    search_fields = ["user__username", "user__last_name"]
    autocomplete_fields = ["organization"]
