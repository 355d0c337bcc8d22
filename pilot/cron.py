"""RQ's cron configuration: `python manage.py rqcron pilot/cron.py` (one process, beside
one or more `manage.py rqworker --with-scheduler`).

The only entry enqueues ``tick`` every ``TICK_INTERVAL_SECONDS`` (60). The schedule of each
study lives in the database and ``tick`` reads it, so staff change a study's day or time
without restarting anything; a missed or doubled tick is harmless (every step is
idempotent and leased).
"""

from django.conf import settings
from rq import cron

from pilot.jobs import tick_job

cron.register(tick_job, queue_name="default", interval=settings.TICK_INTERVAL_SECONDS)
