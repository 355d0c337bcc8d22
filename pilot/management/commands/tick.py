"""``python manage.py tick [--loop]``: run whatever step of each study is due."""

import signal
import time

from django.core.management.base import BaseCommand
from django.utils import timezone

from pilot.batches import tick


class Command(BaseCommand):
    help = (
        "Run every step of the weekly cycle that is due now (generate, send, remind, close). "
        "With --loop, every minute until stopped: for machines without Redis and rqcron."
    )

    def add_arguments(self, parser):
        parser.add_argument("--loop", action="store_true")
        parser.add_argument("--interval", type=int, default=60, help="seconds between ticks")

    def handle(self, *args, loop, interval, **options):
        stopping = []
        if loop:
            signal.signal(signal.SIGTERM, lambda *_: stopping.append(True))
        while True:
            for line in tick().lines():
                self.stdout.write(f"{timezone.now():%Y-%m-%d %H:%M:%S} {line}")
            if not loop:
                return
            deadline = time.monotonic() + interval
            while not stopping and time.monotonic() < deadline:
                time.sleep(0.5)
            if stopping:
                self.stdout.write("tick: stopped")
                return
