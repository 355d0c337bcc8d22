"""``manage.py signin_link EMAIL [--week 2026-W49]``: print a fresh one-time sign-in link.

For staff helping a pilot user who lost their e-mail. The link lands on the week given
(``--week``), else on the newest week the user can still answer, else on My weeks. It is
printed, not e-mailed; the user's earlier links keep working until they expire.
"""

import re

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q
from django.urls import reverse

from pilot import signin
from pilot.models import Batch, Recommendation

WEEK = re.compile(r"^(\d{4})-W(\d{1,2})$")


class Command(BaseCommand):
    help = "Print a fresh one-time sign-in link for the pilot user with this e-mail address."

    def add_arguments(self, parser):
        parser.add_argument("email", help="The pilot user's address (account or CRM e-mail).")
        parser.add_argument(
            "--week", help="ISO week the link opens, e.g. 2026-W49 (default: the newest open)."
        )

    def handle(self, email, week=None, **options):
        user = self._user(email.strip())
        next_url = self._week_url(user, week) if week else self._latest_url(user)
        try:
            url = signin.create_signin_link(user, next_url)
        except signin.NotAPilotUser as error:
            raise CommandError(str(error)) from None
        self.stdout.write(url)

    def _user(self, email):
        users = list(
            get_user_model()
            .objects.filter(Q(email__iexact=email) | Q(participations__person__email__iexact=email))
            .distinct()
        )
        pilots = [user for user in users if signin.may_use_links(user)]
        if not pilots:
            if users:
                raise CommandError(
                    f"{email} belongs to {users[0]}, who is not a pilot user "
                    "(staff and analysts sign in with a password)."
                )
            raise CommandError(f"No pilot user has the e-mail address {email!r}.")
        if len(pilots) > 1:
            names = ", ".join(sorted(user.get_username() for user in pilots))
            raise CommandError(f"{email} belongs to several pilot users ({names}); ask the admin.")
        return pilots[0]

    def _week_url(self, user, week):
        found = WEEK.match(week.strip())
        if not found or not 1 <= int(found.group(2)) <= 53:
            raise CommandError(f"--week must look like 2026-W49, not {week!r}.")
        year, number = int(found.group(1)), int(found.group(2))
        rec = self._recs(user).filter(batch__iso_year=year, batch__iso_week=number).first()
        if rec is None:
            raise CommandError(f"{user} has no sent week {year}-W{number:02d}.")
        return reverse("my-batch", args=[rec.batch_id])

    def _latest_url(self, user):
        rec = self._recs(user).filter(batch__status=Batch.Status.SENT).first()
        return reverse("my-batch", args=[rec.batch_id]) if rec else reverse("my-weeks")

    @staticmethod
    def _recs(user):
        return Recommendation.objects.filter(
            participant__user=user, batch__status__in=[Batch.Status.SENT, Batch.Status.CLOSED]
        ).order_by("-batch__iso_year", "-batch__iso_week")
