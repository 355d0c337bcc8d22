"""The two role groups, created (and given their admin permissions) after every migrate.

``staff`` runs the pilot: every permission on the pilot's models, so a user with
``is_staff`` and this group can work in the admin. ``analyst`` reads: view permissions
on the pilot's models. Neither gets permissions on users or groups (no way to promote
oneself). Permissions are only ever added, never removed, so grants made by hand stay.
"""

from django.contrib.auth.models import Group, Permission

from pilot.access import ANALYST_GROUP, STAFF_GROUP


def ensure_groups(using: str = "default") -> tuple[Group, Group]:
    """Create the ``staff`` and ``analyst`` groups if missing; return (staff, analyst)."""
    staff, _ = Group.objects.db_manager(using).get_or_create(name=STAFF_GROUP)
    analyst, _ = Group.objects.db_manager(using).get_or_create(name=ANALYST_GROUP)
    pilot_permissions = Permission.objects.db_manager(using).filter(content_type__app_label="pilot")
    staff.permissions.add(*pilot_permissions)
    analyst.permissions.add(*pilot_permissions.filter(codename__startswith="view_"))
    return staff, analyst


def create_groups_after_migrate(sender, using="default", **kwargs) -> None:
    """``post_migrate`` receiver, connected for the pilot app in ``PilotConfig.ready``."""
    ensure_groups(using)
