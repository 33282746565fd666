from django.contrib import admin

from risorsa.audit.models import AccessLog


@admin.register(AccessLog)
class AccessLogAdmin(admin.ModelAdmin):
    """The access log is append-only: no one edits or deletes it, not even here."""

    list_display = ["accessed_at", "user", "organization", "what", "rows", "person", "path"]
    list_filter = ["organization"]
    list_select_related = ["user", "organization", "person"]
    raw_id_fields = ["person"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
