"""Run by tests/ingest/test_sqlite_long_import.py (and test_postgres_killed_import.py) in a
separate process, on the database ``DATABASE_URL`` names: set up users, do site writes while
an import runs, print a snapshot.

``python -m tests.ingest.sqlite_site setup|writes|snapshot|recover`` prints JSON.
"""

import json
import sys
import time

import django

django.setup()

from django.contrib.auth.models import User  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402

from pilot.models import Participant, SignInLink  # noqa: E402

PASSWORD = "a-long-password-for-tests-7"


def setup() -> dict:
    from pilot.access import STAFF_GROUP
    from pilot.models import Arm, ModelVersion, Person, Study
    from tests.conftest import make_user

    make_user("stella", groups=[STAFF_GROUP], is_staff=True, password=PASSWORD)
    version = ModelVersion.objects.create(name="popularity-v1", algorithm="popularity")
    study = Study.objects.create(name="Spring pilot", key="spring-pilot")
    Arm.objects.create(study=study, name="control", model_version=version, batch_size=8)
    person = Person.objects.create(customer_id="P1", email="pat@example.org")
    user = make_user("pat")
    Participant.objects.create(study=study, person=person, user=user, arm=study.assign_arm(person))
    return {"ok": True}


def timed(action) -> dict:
    start = time.monotonic()
    try:
        status = action()
        error = ""
    except Exception as e:  # the failure is what the test reports
        status, error = None, f"{e.__class__.__name__}: {e}"
    return {"seconds": round(time.monotonic() - start, 3), "status": status, "error": error}


def writes() -> dict:
    links_before = SignInLink.objects.count()
    staff = Client()
    login = timed(
        lambda: (
            staff.post(reverse("login"), {"username": "stella", "password": PASSWORD}).status_code
        )
    )
    signin = timed(
        lambda: Client().post(reverse("signin-request"), {"email": "pat@example.org"}).status_code
    )

    def other_user_writes():
        User.objects.filter(username="pat").update(first_name="Pat")
        return 200

    write = timed(other_user_writes)
    return {
        "login": login,
        "signin": signin,
        "write": write,
        "links_created": SignInLink.objects.count() - links_before,
        "logged_in": "_auth_user_id" in staff.session,
    }


def snapshot() -> dict:
    with connection.cursor() as cursor:
        out = {}
        for table in ("pilot_interaction", "pilot_identity", "pilot_recipe", "pilot_person"):
            cursor.execute(
                f"SELECT count(*), coalesce(sum(id), 0), coalesce(max(id), 0) FROM {table}"
            )
            out[table] = [int(v) for v in cursor.fetchone()]  # PostgreSQL sums are numeric
        cursor.execute("SELECT count(*), coalesce(sum(length(key)), 0) FROM pilot_interaction")
        out["keys"] = [int(v) for v in cursor.fetchone()]
        cursor.execute("SELECT id, status FROM pilot_extract ORDER BY id")
        out["extracts"] = [list(row) for row in cursor.fetchall()]
    return out


def recover() -> dict:
    from pilot.ingest import recover_interrupted_imports

    return {"recovered": [e.pk for e in recover_interrupted_imports()]}


if __name__ == "__main__":
    print(
        json.dumps(
            {"setup": setup, "writes": writes, "snapshot": snapshot, "recover": recover}[
                sys.argv[1]
            ]()
        )
    )
