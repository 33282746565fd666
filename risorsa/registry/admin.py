from django.contrib import admin

from risorsa.registry.models import BonusThreshold, Household, Isee, Person, SocialAssessment


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    list_display = ["surname", "name", "codice_fiscale", "birth_date", "organization"]
    search_fields = ["search_text"]
    readonly_fields = ["search_text"]


@admin.register(Household)
class HouseholdAdmin(admin.ModelAdmin):
    list_display = ["pk", "address", "size", "life_support"]


@admin.register(Isee)
class IseeAdmin(admin.ModelAdmin):
    list_display = ["household", "value", "protocol", "issued_on", "expires_on"]


@admin.register(SocialAssessment)
class SocialAssessmentAdmin(admin.ModelAdmin):
    list_display = ["person", "assessed_on", "fragility"]


@admin.register(BonusThreshold)
class BonusThresholdAdmin(admin.ModelAdmin):
    list_display = ["valid_from", "valid_to", "amount", "large_family_amount"]
