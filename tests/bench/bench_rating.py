"""Benchmark: pilot users rating their week, against gunicorn, on PostgreSQL and SQLite.

Run from the project root::

    .venv/bin/python -m tests.bench.bench_rating [--quick] [--backends sqlite,postgresql]

For each backend: a fresh database (migrated), N pilot users with a sent week of 10
recipes each and a signed-in session, and ``gunicorn`` (gthread workers) serving the real
site on 127.0.0.1 only, with one extra trivial view (``tests/bench/rating_server.py``).

(a) **Raters**: 100 simulated people, arriving over the first 10 s, each opening the week
    page (for its CSRF token), then rating the recipes one by one with 2-5 s pauses (as people do), sometimes
    changing their mind (10%: the recipe is rated again) or double-clicking (5%: the same
    answer posted twice at once), then answering the questionnaire. Bounded: every rater
    stops at 60 s. Reported: requests/s, p50/p95/max latency, errors, and afterwards the
    exact count of ratings in the database against the recommendations rated, and that
    every stored rating holds the last answer its rater got a 200 for.
(b) **Knee**: the same raters without pauses, at 1, 2, 4, 8, 16 and 32 concurrent clients
    for a few seconds each; the throughput where p95 starts to climb, beside the trivial
    view's throughput on the same server at the same concurrency (the ratio to beat).

The client is our own: threads with ``http.client`` and ``threading.Barrier``, not locust.
It is ~150 lines, needs no extra dependency (locust brings gevent, Flask and a web UI),
keeps every run bounded in users, requests and seconds by construction, and measures the
rating and the baseline with the very same client in the same process. One new TCP
connection per request (``Connection: close``), as phones on a mobile network mostly do.

PostgreSQL: ``BENCH_POSTGRES_URL`` (default ``postgres://postgres@127.0.0.1:5432/
bench_rating``, dropped and created here). SQLite: a file in a temporary directory (WAL,
IMMEDIATE transactions, as in production). Writes ``tests/bench/results/rating.json``.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import random
import re
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

from tests.bench.common import reset_postgres

ROOT = Path(__file__).resolve().parents[2]
RESULTS = Path(__file__).resolve().parent / "results" / "rating.json"
POSTGRES_URL = os.environ.get(
    "BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/bench_rating"
)
HOST = "127.0.0.1"  # loopback only
ARRIVAL_SPREAD = 10.0  # seconds over which the raters of (a) open their week page
TOKEN = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')
QUESTIONNAIRE = {"accuracy": 4, "diversity": 3, "novelty": 4, "transparency": 5, "trust": 5,
                 "intention": 4, "free_text": "Bench"}  # fmt: skip


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


class Client:
    """One rater's HTTP client: session cookie, CSRF token, timings of every request."""

    def __init__(self, port: int, session: str, log: list):
        self.port, self.session, self.csrf, self.token, self.log = port, session, "", "", log

    def request(self, method: str, path: str, body: dict | None = None, kind: str = ""):
        headers = {"Connection": "close", "Host": f"{HOST}:{self.port}"}
        cookies = f"sessionid={self.session}" + (f"; csrftoken={self.csrf}" if self.csrf else "")
        headers["Cookie"] = cookies
        data = None
        if body is not None:
            data = urlencode({**body, "csrfmiddlewaretoken": self.token})
            headers.update(
                {
                    "Content-Type": "application/x-www-form-urlencoded",
                    "Accept": "application/json",
                    "Referer": f"http://{HOST}:{self.port}/",
                }
            )
        started = time.perf_counter()
        status, payload = 0, b""
        try:
            conn = http.client.HTTPConnection(HOST, self.port, timeout=30)
            conn.request(method, path, body=data, headers=headers)
            response = conn.getresponse()
            status, payload = response.status, response.read()
            for name, value in response.getheaders():
                if name.lower() == "set-cookie" and value.startswith("csrftoken="):
                    self.csrf = value.split(";", 1)[0].split("=", 1)[1]
            conn.close()
        except OSError:
            status = -1
        self.log.append((kind or method, time.perf_counter() - started, status, started))
        return status, payload

    def open_week(self, batch: int) -> None:
        status, page = self.request("GET", f"/me/weeks/{batch}/", kind="page")
        found = TOKEN.search(page) if status == 200 else None
        self.token = found.group(1).decode() if found else ""

    def rate(self, rec: int, stars: int) -> int:
        body = {"stars": stars, "would_cook": "yes", "comment": "fine"}
        return self.request("POST", f"/me/recommendations/{rec}/rating/", body, "rating")[0]


def rater(port, who, pauses, deadline, log, sent, lock, rng):
    """One person working through their week; ``sent[rec]`` = last stars that got a 200."""
    client = Client(port, who["session"], log)
    if pauses:
        time.sleep(rng.uniform(0, ARRIVAL_SPREAD))  # people open the e-mail at different times
    client.open_week(who["batch"])
    plan = list(who["recs"])
    plan += rng.sample(plan, k=max(1, len(plan) // 10))  # changes of mind
    for rec in plan:
        if time.monotonic() + (pauses[1] if pauses else 0) > deadline:
            break
        if pauses:
            time.sleep(rng.uniform(*pauses))
        stars = rng.randint(1, 5)
        if rng.random() < 0.05:  # a double click: the same answer twice at once
            twin = threading.Thread(target=client.rate, args=(rec, stars))
            twin.start()
            status = client.rate(rec, stars)
            twin.join()
        else:
            status = client.rate(rec, stars)
        if status == 200:
            with lock:
                sent[rec] = stars
    if time.monotonic() < deadline:
        path = f"/me/weeks/{who['batch']}/questionnaire/"
        client.request("POST", path, QUESTIONNAIRE, "questionnaire")


def percentile(values, q):
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def summarize(log, seconds):
    ratings = [entry for entry in log if entry[0] == "rating"]
    ms = [1000 * entry[1] for entry in ratings]
    pages = [1000 * entry[1] for entry in log if entry[0] == "page"]
    return {
        "page_p95_ms": round(percentile(pages, 0.95) or 0, 1),
        "requests": len(log),
        "rps": round(len(log) / seconds, 1),
        "rating_posts": len(ratings),
        "rating_rps": round(len(ratings) / seconds, 1),
        "p50_ms": round(percentile(ms, 0.5) or 0, 1),
        "p95_ms": round(percentile(ms, 0.95) or 0, 1),
        "max_ms": round(max(ms or [0]), 1),
        "errors": sum(1 for entry in log if entry[2] != 200),
    }


def scenario_raters(port, raters, pauses, seconds, seed=0):
    log, sent, lock = [], {}, threading.Lock()
    deadline = time.monotonic() + seconds
    threads = [
        threading.Thread(
            target=rater,
            args=(port, who, pauses, deadline, log, sent, lock, random.Random(f"{seed}:{i}")),
        )
        for i, who in enumerate(raters)
    ]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return summarize(log, time.monotonic() - started), sent


def hammer(port, raters, clients, seconds, trivial):
    """``clients`` threads posting ratings (or GETting the trivial view) back to back."""
    log = []
    deadline = time.monotonic() + seconds
    barrier = threading.Barrier(clients)

    def loop(i):
        who = raters[i % len(raters)]
        client = Client(port, who["session"], log)
        if not trivial:
            client.open_week(who["batch"])
        rng = random.Random(i)
        barrier.wait()
        while time.monotonic() < deadline:
            if trivial:
                client.request("GET", "/bench/trivial/", kind="rating")
            else:
                client.rate(rng.choice(who["recs"]), rng.randint(1, 5))

    threads = [threading.Thread(target=loop, args=(i,)) for i in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    timed = [entry for entry in log if entry[0] == "rating"]
    return summarize(timed, seconds)


def knee(rows):
    """First concurrency whose p95 is over twice the single-client p95, or whose throughput
    gains under 10% over the previous level; the throughput just before it."""
    base = rows[0]["p95_ms"]
    for prev, row in zip(rows, rows[1:], strict=False):
        if row["p95_ms"] > 2 * base or row["rating_rps"] < 1.1 * prev["rating_rps"]:
            return prev
    return rows[-1]


def run_backend(name, args, env_base):
    env = dict(env_base)
    tmp = tempfile.mkdtemp(prefix="bench-rating-")
    if name == "sqlite":
        env["DATABASE_URL"] = f"sqlite:///{tmp}/bench.sqlite3"
    else:
        reset_postgres(POSTGRES_URL)
        env["DATABASE_URL"] = POSTGRES_URL
    env["VAR_DIR"] = tmp
    py = sys.executable
    subprocess.run([py, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    seeded = subprocess.run(
        [py, "-m", "tests.bench.rating_server", "seed", str(args.raters), "10"],
        cwd=ROOT, env=env, check=True, capture_output=True, text=True,
    )  # fmt: skip
    raters = json.loads(seeded.stdout)
    port = free_port()
    gunicorn = Path(py).with_name("gunicorn")
    server = subprocess.Popen(
        [str(gunicorn), "pilot.wsgi:application", "-b", f"{HOST}:{port}",
         "-k", "gthread", "-w", str(args.workers), "--threads", "4", "--log-level", "warning"],
        cwd=ROOT, env=env,
    )  # fmt: skip
    try:
        wait_for(port)
        (summary_a, sent) = scenario_raters(port, raters, (2.0, 5.0), args.seconds)
        counting = [py, "-m", "tests.bench.rating_server", "count"]
        counted = subprocess.run(counting, cwd=ROOT, env=env, capture_output=True, text=True)
        counted = json.loads(counted.stdout)
        stored = counted["ratings"]
        summary_a.update(
            ratings_expected=len(sent),
            ratings_in_db=len(stored),
            lost_or_extra=len(set(stored) ^ {str(rec) for rec in sent}),
            last_answer_mismatches=sum(1 for rec, s in sent.items() if stored.get(str(rec)) != s),
            questionnaires_in_db=counted["questionnaires"],
        )
        levels = []
        for clients in args.levels:
            rating = hammer(port, raters, clients, args.step, trivial=False)
            trivial = hammer(port, raters, clients, args.step, trivial=True)
            levels.append(
                {
                    "backend": name,
                    "clients": clients,
                    "rating_rps": rating["rating_rps"],
                    "p50_ms": rating["p50_ms"],
                    "p95_ms": rating["p95_ms"],
                    "errors": rating["errors"],
                    "trivial_rps": trivial["rating_rps"],
                    "trivial_p95_ms": trivial["p95_ms"],
                    "ratio": round(rating["rating_rps"] / max(trivial["rating_rps"], 0.1), 3),
                }
            )
        at_knee = knee(levels)
    finally:
        server.terminate()
        server.wait(timeout=30)
    return {
        "raters": summary_a,
        "levels": levels,
        "knee": {
            "clients": at_knee["clients"],
            "rating_rps": at_knee["rating_rps"],
            "p95_ms": at_knee["p95_ms"],
            "trivial_rps_max": max(row["trivial_rps"] for row in levels),
            "ratio_to_trivial": round(
                at_knee["rating_rps"] / max(max(row["trivial_rps"] for row in levels), 0.1), 3
            ),
        },
    }


def wait_for(port, seconds=30.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection(HOST, port, timeout=2)
            conn.request("GET", "/bench/trivial/", headers={"Host": f"{HOST}:{port}"})
            if conn.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"gunicorn did not answer on {HOST}:{port}")


def postgres_reachable() -> bool:
    try:
        import psycopg

        psycopg.connect(POSTGRES_URL.rsplit("/", 1)[0] + "/postgres", connect_timeout=3).close()
        return True
    except Exception:  # noqa: BLE001 - any failure means "not here"
        return False


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="30 raters, 20 s, short steps")
    parser.add_argument("--backends", default="postgresql,sqlite")
    args = parser.parse_args()
    args.raters, args.seconds, args.step = (30, 20.0, 2.0) if args.quick else (100, 60.0, 4.0)
    args.levels = [1, 2, 4, 8, 16, 32] if not args.quick else [1, 4, 16]
    args.workers = 3
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "tests.bench.rating_server"}
    env.pop("DEBUG", None)
    out = {
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "load_average_at_start": round(os.getloadavg()[0], 2),
        "server": f"gunicorn gthread, {args.workers} workers x 4 threads, {HOST}",
        "raters": args.raters,
        "seconds_a": args.seconds,
        "rows": [],
    }
    for name in args.backends.split(","):
        if name == "postgresql" and not postgres_reachable():
            print(f"PostgreSQL not reachable at {POSTGRES_URL}: skipped")
            out["postgresql"] = {"skipped": "not reachable"}
            continue
        result = run_backend(name, args, env)
        out[name] = {**result["raters"], **{f"knee_{k}": v for k, v in result["knee"].items()}}
        out["rows"] += result["levels"]
        a, k = result["raters"], result["knee"]
        print(
            f"{name}: (a) {args.raters} raters, pauses 2-5 s: {a['rps']} req/s, rating p50 "
            f"{a['p50_ms']} ms, p95 {a['p95_ms']} ms, errors {a['errors']}, ratings in db "
            f"{a['ratings_in_db']} / {a['ratings_expected']} rated, lost or extra "
            f"{a['lost_or_extra']}, last-answer mismatches {a['last_answer_mismatches']}"
        )
        print(
            f"{name}: (b) knee at {k['clients']} clients: {k['rating_rps']} ratings/s "
            f"(p95 {k['p95_ms']} ms); trivial view {k['trivial_rps_max']} req/s; ratio "
            f"{k['ratio_to_trivial']}"
        )
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(out, indent=1) + "\n")


if __name__ == "__main__":
    main()
