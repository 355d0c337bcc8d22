"""Who may see what: roles and the decorators every view uses.

Roles are Django groups: ``staff`` runs the pilot (and gets the admin), ``analyst`` reads
dashboards. A superuser has both. Pilot users are ordinary users tied to a Participant.
"""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied

STAFF_GROUP = "staff"
ANALYST_GROUP = "analyst"


def _groups(user) -> set[str]:
    if not hasattr(user, "_pilot_groups"):
        user._pilot_groups = set(user.groups.values_list("name", flat=True))
    return user._pilot_groups


def is_staff(user) -> bool:
    return user.is_authenticated and (user.is_superuser or STAFF_GROUP in _groups(user))


def is_analyst(user) -> bool:
    """Analysts read dashboards; staff may read them too."""
    return user.is_authenticated and (
        user.is_superuser or bool({STAFF_GROUP, ANALYST_GROUP} & _groups(user))
    )


def is_participant(user) -> bool:
    return user.is_authenticated and user.participations.exists()


def _role_required(check):
    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(request, *args, **kwargs):
            if not check(request.user):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


staff_required = _role_required(is_staff)
analyst_required = _role_required(is_analyst)
participant_required = _role_required(is_participant)
