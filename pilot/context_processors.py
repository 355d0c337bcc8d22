from django.conf import settings
from django.utils.functional import SimpleLazyObject

from pilot import access


def site(request):
    """Values every template may use.

    The role flags are lazy: a page that never asks ``{% if role_staff %}`` runs no query.
    """
    user = getattr(request, "user", None)

    def role(check):
        return SimpleLazyObject(lambda: user is not None and check(user))

    return {
        "jobs_inline": settings.JOBS_INLINE,
        "site_url": settings.SITE_URL,
        "role_staff": role(access.is_staff),
        "role_analyst": role(access.is_analyst),
        "role_participant": role(access.is_participant),
    }
