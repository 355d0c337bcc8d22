"""Who may see what: roles and the decorators every view uses.

Roles are Django groups: ``staff`` runs the pilot (and gets the admin), ``analyst`` reads
dashboards. A superuser has both. Pilot users are ordinary users tied to a Participant.
"""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode

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


def wants_json(request) -> bool:
    """True when the client asked for JSON rather than a page (``Accept: application/json``)."""
    return request.get_preferred_type(["text/html", "application/json"]) == "application/json"


def participant_required(view):
    """Pilot-user pages: signed in as a participant, never cached, never the staff login.

    A signed-out (or expired) visitor goes to the page that e-mails a new sign-in link
    (``/signin/?next=...``); a JSON client gets 401 with that address instead, and its 403
    and 404 (someone else's week or recommendation) as JSON too. Every response is sent with
    ``Cache-Control: private, no-store``.
    """

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not request.user.is_authenticated:
            url = reverse("signin-request")
            back = request.get_full_path() if request.method == "GET" else ""
            if wants_json(request):
                response = JsonResponse(
                    {"error": "You are signed out. Ask for a new sign-in link.", "signin": url},
                    status=401,
                )
            else:
                response = redirect(f"{url}?{urlencode({'next': back})}" if back else url)
        elif not is_participant(request.user):
            if not wants_json(request):
                raise PermissionDenied
            response = JsonResponse({"error": "This is for pilot users."}, status=403)
        else:
            try:
                response = view(request, *args, **kwargs)
            except Http404 as missing:
                if not wants_json(request):
                    raise
                response = JsonResponse({"error": str(missing) or "Not found."}, status=404)
        response["Cache-Control"] = "private, no-store"
        return response

    return wrapped
