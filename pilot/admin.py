"""Admin pages for every model, with search and filters."""

from django.contrib import admin

from pilot import models as m


@admin.register(m.Recipe)
class RecipeAdmin(admin.ModelAdmin):
    list_display = ["external_id", "title", "minutes", "active", "updated_at"]
    list_filter = ["active"]
    search_fields = ["external_id", "title", "description"]


class IdentityInline(admin.TabularInline):
    model = m.Identity
    extra = 0
    fields = ["source", "external_id", "status", "linked_at"]
    readonly_fields = fields


@admin.register(m.Person)
class PersonAdmin(admin.ModelAdmin):
    list_display = ["customer_id", "email", "age_band", "household_size", "region"]
    list_filter = ["age_band", "household_size", "region"]
    search_fields = ["customer_id", "email"]
    inlines = [IdentityInline]


@admin.register(m.Identity)
class IdentityAdmin(admin.ModelAdmin):
    list_display = ["external_id", "source", "status", "person", "linked_at"]
    list_filter = ["source", "status"]
    search_fields = ["external_id", "person__customer_id", "note"]
    raw_id_fields = ["person"]


@admin.register(m.Interaction)
class InteractionAdmin(admin.ModelAdmin):
    list_display = ["timestamp", "event", "visitor", "person", "recipe", "value", "extract"]
    list_filter = ["event", "extract__kind"]
    search_fields = ["key", "visitor__external_id", "person__customer_id", "recipe__title"]
    raw_id_fields = ["visitor", "person", "recipe", "extract"]
    date_hierarchy = "timestamp"
    list_select_related = ["visitor", "person", "recipe", "extract"]


@admin.register(m.Extract)
class ExtractAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "kind",
        "status",
        "rows_read",
        "rows_imported",
        "rows_rejected",
        "created_at",
    ]
    list_filter = ["kind", "status"]
    search_fields = ["name", "checksum"]
    readonly_fields = ["checksum", "report", "rejects", "created_at", "finished_at"]


@admin.register(m.ModelVersion)
class ModelVersionAdmin(admin.ModelAdmin):
    list_display = ["name", "algorithm", "data_cutoff", "trained_at", "training_seconds"]
    list_filter = ["algorithm"]
    search_fields = ["name", "note"]
    raw_id_fields = ["parent"]


@admin.register(m.Comparison)
class ComparisonAdmin(admin.ModelAdmin):
    list_display = ["version_b", "version_a", "computed_at", "seconds"]
    search_fields = ["version_a__name", "version_b__name", "sentence"]
    readonly_fields = ["result"]


class ArmInline(admin.TabularInline):
    model = m.Arm
    extra = 0


@admin.register(m.Study)
class StudyAdmin(admin.ModelAdmin):
    list_display = ["name", "key", "weekday", "send_time", "timezone", "active"]
    list_filter = ["active", "weekday"]
    search_fields = ["name", "key", "description"]
    prepopulated_fields = {"key": ["name"]}
    inlines = [ArmInline]


@admin.register(m.Arm)
class ArmAdmin(admin.ModelAdmin):
    list_display = ["name", "study", "model_version", "batch_size", "weight", "allow_repeats"]
    list_filter = ["study", "model_version"]
    search_fields = ["name", "study__name"]


@admin.register(m.Participant)
class ParticipantAdmin(admin.ModelAdmin):
    list_display = ["person", "study", "arm", "user", "active", "consent_at"]
    list_filter = ["study", "arm", "active"]
    search_fields = ["person__customer_id", "person__email", "user__username"]
    raw_id_fields = ["person", "user"]
    list_select_related = ["person", "study", "arm", "user"]


@admin.register(m.Batch)
class BatchAdmin(admin.ModelAdmin):
    list_display = ["study", "iso_year", "iso_week", "status", "sent_at", "closed_at"]
    list_filter = ["study", "status"]
    search_fields = ["study__name"]


@admin.register(m.Message)
class MessageAdmin(admin.ModelAdmin):
    list_display = ["batch", "participant", "kind", "state", "attempts", "retried", "sent_at"]
    list_filter = ["batch__study", "kind", "state", "retried"]
    search_fields = ["participant__person__customer_id", "to", "error"]
    readonly_fields = ["claimed_at", "sent_at", "attempts", "retried"]


@admin.register(m.Recommendation)
class RecommendationAdmin(admin.ModelAdmin):
    list_display = ["batch", "participant", "rank", "recipe", "score", "reason_code"]
    list_filter = ["batch__study", "model_version", "reason_code"]
    search_fields = ["recipe__title", "participant__person__customer_id", "explanation"]
    raw_id_fields = ["batch", "participant", "recipe"]
    list_select_related = ["batch__study", "participant__person", "recipe"]


@admin.register(m.Rating)
class RatingAdmin(admin.ModelAdmin):
    list_display = ["recommendation", "stars", "would_cook", "created_at"]
    list_filter = ["stars", "would_cook", "recommendation__batch__study"]
    search_fields = ["comment", "recommendation__recipe__title"]
    raw_id_fields = ["recommendation"]


@admin.register(m.QuestionnaireAnswer)
class QuestionnaireAnswerAdmin(admin.ModelAdmin):
    list_display = ["participant", "batch", "accuracy", "diversity", "novelty", "intention"]
    list_filter = ["batch__study", "batch"]
    search_fields = ["free_text", "participant__person__customer_id"]
    raw_id_fields = ["participant", "batch"]


@admin.register(m.SignInLink)
class SignInLinkAdmin(admin.ModelAdmin):
    list_display = ["user", "created_at", "expires_at", "used_at"]
    search_fields = ["user__username", "user__email"]
    readonly_fields = ["user", "nonce", "next_url", "created_at", "expires_at", "used_at"]


@admin.register(m.IngredientClassification)
class IngredientClassificationAdmin(admin.ModelAdmin):
    list_display = ["name", "facts", "previous_facts", "classified_by", "classified_at"]
    list_filter = ["classified_at"]
    search_fields = ["name", "note", "classified_by__username"]
    readonly_fields = ["recipes_relabelled"]


@admin.register(m.UnknownIngredient)
class UnknownIngredientAdmin(admin.ModelAdmin):
    list_display = ["name", "recipe"]
    search_fields = ["name", "recipe__title", "recipe__external_id"]
    list_select_related = ["recipe"]
    raw_id_fields = ["recipe"]


@admin.register(m.Job)
class JobAdmin(admin.ModelAdmin):
    list_display = ["id", "kind", "func", "state", "progress", "created_by", "created_at"]
    list_filter = ["kind", "state"]
    search_fields = ["func", "message", "error", "rq_job_id"]
    raw_id_fields = ["created_by"]


@admin.register(m.DataSummary)
class DataSummaryAdmin(admin.ModelAdmin):
    list_display = ["name", "computed_at", "seconds", "fingerprint"]
    search_fields = ["name", "fingerprint"]
    readonly_fields = ["name", "fingerprint", "data", "computed_at", "seconds"]
