import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pilot.settings")
application = get_wsgi_application()

# The embedded default (no Redis): start the in-process job worker with the web process; it
# first marks jobs and imports a previous process left half-done.
from django.conf import settings  # noqa: E402

if settings.JOBS_INLINE and not settings.JOBS_SYNC:
    from pilot.jobs import inline_worker  # noqa: E402

    inline_worker()
