"""People extract -> Person rows (updated in place by ``customer_id``), each with its CRM identity."""

from __future__ import annotations

from collections import Counter

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import timezone

from pilot.ingest.common import (
    Context,
    batched,
    parse_labels,
    unknown_words_warning,
    whole_number,
)
from pilot.ingest.formats import FORMATS, split_list
from pilot.ingest.recipes import duplicate_reason
from pilot.ingest.validate import Check
from pilot.models import Identity, Person

AGE_BANDS = [value for value, _ in Person.AgeBand.choices]
MAX_HOUSEHOLD = 20


class PersonImporter:
    """Upsert people. Only columns present in the file are written on an update."""

    fmt = FORMATS["people"]

    def __init__(self, ctx: Context):
        self.ctx = ctx
        self.first_line: dict[str, int] = {}
        self.parsed: dict[str, dict] = {}
        self.counts = Counter()
        self.unknown_words = {"age bands": Counter(), "restrictions": Counter()}

    def process(self, check: Check) -> None:
        rows = check.rows
        has = self.ctx.has_column
        parsed: dict[str, dict] = {}
        for position in range(len(rows)):
            if not check.ok[position]:
                continue
            row = rows.iloc[position]
            customer_id = row["customer_id"].strip()
            if customer_id in self.first_line:
                check.reject_at(
                    position,
                    "customer_id",
                    duplicate_reason(self.first_line[customer_id], "customer_id"),
                    customer_id,
                    summary="duplicate key",
                )
                continue
            fields, problem = {}, None
            if has("email"):
                email = row["email"].strip()
                try:
                    if email:
                        validate_email(email)
                    fields["email"] = email
                except ValidationError:
                    problem = ("email", "not an e-mail address", email)
            if has("age_band") and not problem:
                band = row["age_band"].strip()
                if band and band not in AGE_BANDS:
                    self.unknown_words["age bands"][band] += 1
                fields["age_band"] = band
            if has("household_size") and not problem:
                size = row["household_size"].strip()
                number = whole_number(size) if size else None
                if size and (number is None or not 1 <= number <= MAX_HOUSEHOLD):
                    problem = (
                        "household_size",
                        f"not a whole number from 1 to {MAX_HOUSEHOLD}",
                        size,
                    )
                fields["household_size"] = number
            if has("region") and not problem:
                fields["region"] = row["region"].strip()
            if has("restrictions") and not problem:
                labels, unknown = parse_labels(row["restrictions"])
                self.unknown_words["restrictions"].update(unknown)
                fields["restrictions"] = labels
            if has("liked_cuisines") and not problem:
                fields["liked_cuisines"] = [c.lower() for c in split_list(row["liked_cuisines"])]
            if problem:
                column, reason, value = problem
                check.reject_at(position, column, reason, value)
                continue
            self.first_line[customer_id] = int(check.lines[position])
            parsed[customer_id] = fields
        self.parsed.update(parsed)  # written in ``finish``: reading takes no lock

    def _write(self, parsed: dict[str, dict]) -> None:
        now = timezone.now()
        for ids in batched(parsed):
            existing = {p.customer_id: p for p in Person.objects.filter(customer_id__in=ids)}
            new, changed, changed_fields = [], [], set()
            for customer_id in ids:
                fields = parsed[customer_id]
                person = existing.get(customer_id)
                if person is None:
                    new.append(Person(customer_id=customer_id, **fields))
                    continue
                diff = {n for n, v in fields.items() if getattr(person, n) != v}
                if diff:
                    for name in diff:
                        setattr(person, name, fields[name])
                    person.updated_at = now
                    changed.append(person)
                    changed_fields |= diff
                else:
                    self.counts["unchanged"] += 1
            Person.objects.bulk_create(new)
            if changed:
                Person.objects.bulk_update(changed, [*sorted(changed_fields), "updated_at"])
            self.counts["created"] += len(new)
            self.counts["updated"] += len(changed)
            created = Person.objects.filter(customer_id__in=[p.customer_id for p in new])
            Identity.objects.bulk_create(
                [
                    Identity(
                        source=Identity.Source.CRM,
                        external_id=person.customer_id,
                        person=person,
                        status=Identity.Status.RESOLVED,
                        linked_at=now,
                    )
                    for person in created
                ],
                ignore_conflicts=True,
            )

    def finish(self) -> dict:
        self._write(self.parsed)
        for what, counts in self.unknown_words.items():
            self.ctx.warnings += unknown_words_warning(what, counts)
        return {"counts": dict(self.counts)}
