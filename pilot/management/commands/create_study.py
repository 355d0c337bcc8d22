"""``python manage.py create_study KEY --arm LABEL:VERSION_ID:K[:WEIGHT] [--arm ...] ...``."""

from django.core.management.base import BaseCommand, CommandError

from pilot.batches.studies import ArmSpec, StudyError, create_study, parse_time, parse_weekday


class Command(BaseCommand):
    help = (
        "Create a study with its arms and weekly schedule. Each --arm is "
        "LABEL:VERSION_ID:K[:WEIGHT] (K recipes per batch; several arms make an experiment)."
    )

    def add_arguments(self, parser):
        parser.add_argument("key", help="stable key (lower-case, digits, - or _)")
        parser.add_argument("--name", default="")
        parser.add_argument("--description", default="")
        parser.add_argument("--arm", action="append", default=[], required=True)
        parser.add_argument("--weekday", default="mon", help="mon ... sun (default mon)")
        parser.add_argument("--time", default="09:00", help="local send time HH:MM")
        parser.add_argument("--tz", default="Europe/London", help="IANA time zone")
        parser.add_argument("--window-days", type=int, default=5, help="days answers stay open")
        parser.add_argument("--remind-after-days", type=int, default=3)
        parser.add_argument("--allow-repeats", action="store_true",
                            help="arms may recommend recipes sent in earlier weeks")  # fmt: skip

    def handle(self, *args, **o):
        try:
            arms = [ArmSpec.parse(text) for text in o["arm"]]
            if o["allow_repeats"]:
                arms = [ArmSpec(a.label, a.version_id, a.batch_size, a.weight, True) for a in arms]
            study = create_study(
                o["key"],
                arms=arms,
                name=o["name"],
                description=o["description"],
                weekday=parse_weekday(o["weekday"]),
                send_time=parse_time(o["time"]),
                tz=o["tz"],
                response_days=o["window_days"],
                remind_after_days=o["remind_after_days"],
            )
        except StudyError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(
            f"Created study {study.key} ({study.name}): every {study.get_weekday_display()} at "
            f"{study.send_time:%H:%M} {study.timezone}, open {study.response_days} days, "
            f"reminder after {study.reminder_after_days}."
        )
        for arm in study.arms.select_related("model_version"):
            self.stdout.write(
                f"  arm {arm.name}: {arm.model_version.name} (#{arm.model_version_id}), "
                f"{arm.batch_size} recipes, weight {arm.weight:g}"
            )
        self.stdout.write(str(study.pk))
