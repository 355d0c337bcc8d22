"""Running for real: gunicorn, two RQ workers and rqcron as separate processes, against the
test database and the real Redis, with a real SMTP server. A study due now goes out on
schedule (no one runs a step by hand), each participant gets one e-mail, and the e-mailed
link, opened through gunicorn, signs in once and lands on that week's recipes.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar
from pathlib import Path

import pytest
import redis
from django.utils import timezone

from pilot.models import Batch, Message, Study
from tests.cycle.conftest import free_port
from tests.cycle.test_kill import database_url

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.redis, pytest.mark.slow]
ROOT = Path(__file__).resolve().parents[2]
REDIS = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/13")
PYTHON = Path(sys.executable)


def spawn(args, env, log):
    return subprocess.Popen(args, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                            start_new_session=True)  # fmt: skip


def wait_for(condition, timeout, what):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    pytest.fail(f"timed out waiting for {what}")


@pytest.fixture
def stack(study, smtp, tmp_path):
    redis.Redis.from_url(REDIS).flushdb()
    now = timezone.now()
    Study.objects.filter(pk=study.pk).update(
        weekday=now.weekday(), send_time="00:00", timezone="UTC", response_days=6,
        reminder_after_days=5,
    )  # fmt: skip
    web_port = free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "DATABASE_URL": database_url(),
        "REDIS_URL": REDIS,
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(smtp.port),
        "EMAIL_USE_TLS": "0",
        "SITE_URL": f"http://127.0.0.1:{web_port}",
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_COOKIES": "0",
        "TICK_INTERVAL_SECONDS": "2",
    }
    log = (tmp_path / "processes.log").open("w")
    manage = [str(PYTHON), "manage.py"]
    procs = [
        spawn(
            [str(PYTHON), "-m", "gunicorn", "pilot.wsgi", "-b", f"127.0.0.1:{web_port}", "-w", "2"],
            env,
            log,
        ),  # fmt: skip
        spawn([*manage, "rqworker", "--with-scheduler", "default"], env, log),
        spawn([*manage, "rqworker", "default"], env, log),
        spawn([*manage, "rqcron", "pilot/cron.py"], env, log),
    ]
    yield web_port, smtp
    for proc in procs:
        os.killpg(proc.pid, signal.SIGTERM)
    for proc in procs:
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
    log.close()
    redis.Redis.from_url(REDIS).flushdb()


def test_it_sends_a_due_batch_on_schedule_and_the_link_works_through_gunicorn(stack, study):
    web_port, smtp = stack
    wait_for(lambda: len(smtp.messages) >= 40, 120, "the batch's 40 e-mails")
    time.sleep(5)  # more ticks come and go: nothing is sent twice
    assert len(smtp.messages) == 40 and len(set(smtp.to())) == 40
    batch = Batch.objects.get(study=study)
    assert batch.status == Batch.Status.SENT
    assert Message.objects.filter(batch=batch, state="sent").count() == 40

    text = smtp.messages[0].get_body(("plain",)).get_content()
    url = re.search(rf"http://127\.0\.0\.1:{web_port}/signin/\S+/", text).group(0)
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))
    page = opener.open(url).read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    body = urllib.parse.urlencode({"csrfmiddlewaretoken": token}).encode()
    request = urllib.request.Request(url, data=body, headers={"Referer": url})
    landed = opener.open(request)
    assert landed.geturl().endswith(f"/me/weeks/{batch.pk}/")
    assert landed.status == 200
