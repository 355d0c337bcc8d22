"""``python manage.py demo [--seed N] [--reset] [--if-empty] [--size full|small]``: the demo world."""

import re
import time

from django.core.management.base import BaseCommand, CommandError

from pilot.demo import SIZES
from pilot.demo.world import DemoError, OtherDataPresent, build_demo_world
from pilot.ingest import report_lines

_ROW_DETAIL = re.compile(r"^\s*(\S+: line \d+|\.\.\. and more)")


class Command(BaseCommand):
    help = (
        "Build a believable demo world, the same for the same seed: recipes, people, 12 weeks "
        "of web interactions (written as extract files and imported like real ones), a demo "
        "study, and demo accounts, printed at the end. Running it again changes nothing; "
        "--reset deletes all pilot data and the demo accounts first."
    )

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=0, help="same seed, same world (0)")
        parser.add_argument(
            "--reset",
            action="store_true",
            help="delete ALL pilot data and the demo accounts, then build the world again",
        )
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="when the database holds other pilot data, say so and exit 0 (for `make run`)",
        )
        parser.add_argument(
            "--size",
            choices=list(SIZES),
            default="full",
            help="'small' is a quick world for tests (fewer recipes, people and weeks)",
        )

    def handle(self, *args, seed, reset, size, if_empty, **options):
        started = time.monotonic()
        try:
            world = build_demo_world(seed, reset, size=size)
        except OtherDataPresent as error:
            if if_empty:
                self.stdout.write(f"No demo world loaded: {error}")
                return
            raise CommandError(str(error)) from error
        except DemoError as error:
            raise CommandError(str(error)) from error
        out = self.stdout
        if world.created:
            out.write(f"Demo world built from seed {seed} ({size}); files in {world.directory}")
            for extract in world.extracts:
                out.write("")
                for line in report_lines(extract):
                    if not _ROW_DETAIL.match(line):  # one line per rejected row: too much here
                        out.write(f"  {line}")
        else:
            out.write(
                f"The demo world (seed {seed}, {size}) already exists: nothing imported or "
                "created. `manage.py demo --reset` rebuilds it from scratch."
            )
        out.write("")
        out.write(self.style.MIGRATE_HEADING("Demo accounts"))
        for account in world.accounts:
            if account.role in ("staff", "analyst"):
                out.write(
                    f"  {account.role:<10} {account.username:<16} password {account.password}"
                    "   sign in at /accounts/login/"
                )
        out.write("  pilot users (one-time sign-in link each; it works once):")
        for account in world.accounts:
            if account.role == "pilot user":
                out.write(f"    {account.username:<14} {account.email:<34} {account.detail}")
                out.write(
                    f"      {account.signin_url}"
                    if account.signin_url
                    else "      use the landing page's 'send me a link' form with this e-mail"
                )
        out.write(f"Done in {time.monotonic() - started:.1f} s.")
