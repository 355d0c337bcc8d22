"""Identities extract: login links visitor -> customer, and identity resolution.

Rules (docs/data.md, "Identity resolution"):

- A visitor (web identity) linked to exactly one customer is *resolved* to that person.
- A visitor linked to two or more different customers, in this file or across extracts, is
  a *conflict*: its person is cleared, the note names every customer and line, and nothing
  is guessed. A conflict stays a conflict until staff resolve it by hand.
- When a visitor's person changes (newly linked, or cleared by a conflict), all of its
  interactions get the new person in the same transaction ("late linking").
- The same link repeated (a person logging in again) is not an error; the earliest
  ``linked_at`` is kept.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import datetime

from django.db.models import OuterRef, Subquery

from pilot.ingest.common import (
    BAD_TIMESTAMP,
    FUTURE,
    Context,
    batched,
    parse_timestamps,
)
from pilot.ingest.formats import FORMATS
from pilot.ingest.validate import Check
from pilot.models import Identity, Interaction, Person

UNKNOWN_CUSTOMER = "unknown customer id (import the people extract first)"
MAX_LISTED = 100


class IdentityImporter:
    """Collect the file's links, then apply them at the end of the file in bulk."""

    fmt = FORMATS["identities"]

    def __init__(self, ctx: Context):
        self.ctx = ctx
        # visitor -> customer -> (first line, earliest linked_at or None)
        self.links: dict[str, dict[str, tuple[int, datetime | None]]] = defaultdict(dict)
        self.person_ids: dict[str, int] = {}
        self.counts = Counter()

    def process(self, check: Check) -> None:
        visitors = check.column("visitor_id").str.strip()
        customers = check.column("customer_id").str.strip()
        stamps, bad, future = parse_timestamps(check.column("linked_at"), self.ctx.now)
        check.reject(bad, "linked_at", BAD_TIMESTAMP)
        check.reject(future, "linked_at", FUTURE)
        wanted = set(customers[check.ok]) - set(self.person_ids)
        for ids in batched(wanted):
            self.person_ids.update(
                Person.objects.filter(customer_id__in=ids).values_list("customer_id", "id")
            )
        unknown = ~customers.isin(self.person_ids.keys()).to_numpy()
        check.reject(check.ok & unknown, "customer_id", UNKNOWN_CUSTOMER)
        for position in check.ok.nonzero()[0]:
            visitor, customer = visitors.iat[position], customers.iat[position]
            stamp = stamps.iat[position]
            stamp = None if stamp is None or stamp != stamp else stamp.to_pydatetime()
            line = int(check.lines[position])
            known = self.links[visitor].get(customer)
            if known is None:
                self.links[visitor][customer] = (line, stamp)
            else:
                self.counts["repeated links"] += 1
                earliest = min((s for s in (known[1], stamp) if s is not None), default=None)
                self.links[visitor][customer] = (known[0], earliest)

    def finish(self) -> dict:
        conflicts, changed = [], []
        visitors = list(self.links)
        customer_of = {pid: cid for cid, pid in self.person_ids.items()}
        for ids in batched(visitors):
            existing = {
                i.external_id: i
                for i in Identity.objects.filter(source=Identity.Source.WEB, external_id__in=ids)
            }
            new = []
            for visitor in ids:
                links = self.links[visitor]
                identity = existing.get(visitor)
                if identity is None:
                    identity = Identity(source=Identity.Source.WEB, external_id=visitor)
                    new.append(identity)
                before = (identity.person_id, identity.status)
                customers = set(links)
                if identity.status == Identity.Status.RESOLVED and identity.person_id:
                    customers.add(customer_of.get(identity.person_id) or self._customer(identity))
                if identity.status == Identity.Status.CONFLICT or len(customers) > 1:
                    described = ", ".join(
                        f"{c} (line {links[c][0]})" if c in links else f"{c} (earlier extract)"
                        for c in sorted(customers)
                    )
                    note = f"Linked to several customers: {described}. Left unresolved."
                    if identity.status == Identity.Status.CONFLICT and identity.note:
                        note = f"{identity.note}\n{self.ctx.scan.name}: {described}."
                    identity.person_id = None
                    identity.status = Identity.Status.CONFLICT
                    identity.note = note
                    self.counts["conflicts"] += 1
                    if len(conflicts) < MAX_LISTED:
                        conflicts.append({"visitor_id": visitor, "customers": sorted(customers)})
                else:
                    (customer,) = customers
                    identity.person_id = self.person_ids.get(customer, identity.person_id)
                    identity.status = Identity.Status.RESOLVED
                    if customer in links and (
                        before[0] != identity.person_id or not identity.linked_at
                    ):
                        identity.linked_at = links[customer][1] or self.ctx.now
                if identity.pk is None:
                    self.counts["new visitors"] += 1
                elif (identity.person_id, identity.status) != before:
                    changed.append(identity)
                    self.counts["visitors newly linked or changed"] += 1
                else:
                    self.counts["links already known"] += 1
            Identity.objects.bulk_create(new)
            if changed:
                Identity.objects.bulk_update(changed, ["person", "status", "linked_at", "note"])
        attributed = reattribute([i.pk for i in changed])
        return {
            "counts": dict(self.counts),
            "conflicts": conflicts,
            "interactions_reattributed": attributed,
        }

    @staticmethod
    def _customer(identity: Identity) -> str:
        return Person.objects.values_list("customer_id", flat=True).get(pk=identity.person_id)


def reattribute(identity_ids: list[int]) -> int:
    """Give the interactions of these visitors their identity's current person (bulk).

    Returns the number of interactions updated.
    """
    person = Identity.objects.filter(pk=OuterRef("visitor_id")).values("person_id")[:1]
    updated = 0
    for ids in batched(identity_ids):
        updated += Interaction.objects.filter(visitor_id__in=ids).update(person_id=Subquery(person))
    return updated
