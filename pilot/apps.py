from django.apps import AppConfig
from django.db.models.signals import post_migrate


class PilotConfig(AppConfig):
    name = "pilot"
    verbose_name = "Recipe Pilot"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from pilot.roles import create_groups_after_migrate

        # Sent after the pilot app's migrations (and after auth created its permissions).
        post_migrate.connect(create_groups_after_migrate, sender=self)
        import pilot.dashboard.cache  # noqa: F401  (connects the dashboard's cache invalidation)
