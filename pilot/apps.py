from django.apps import AppConfig


class PilotConfig(AppConfig):
    name = "pilot"
    verbose_name = "Recipe Pilot"
    default_auto_field = "django.db.models.BigAutoField"
