"""Identity resolution: links, late linking, conflicts that are reported and never guessed."""

import pytest

from pilot.ingest import import_extract
from pilot.ingest.quality import identity_report
from pilot.models import Identity, Interaction, Person

from .conftest import interactions_csv, write

pytestmark = pytest.mark.django_db

EVENTS = [
    "phone-1,R1,view,2026-01-01T10:00:00Z,E1,",
    "phone-1,R2,save,2026-01-01T10:01:00Z,E2,",
    "laptop-1,R3,cook,2026-01-02T19:00:00Z,E3,",
    "anon-7,R1,view,2026-01-02T19:00:00Z,E4,",
]


def persons():
    return dict(Interaction.objects.values_list("key", "person__customer_id"))


def link(folder, name, text):
    return import_extract(
        "identities", write(folder, name, "visitor_id,customer_id,linked_at\n" + text)
    )


def test_interactions_of_a_visitor_linked_later_get_their_person(folder, catalog):
    import_extract("interactions", write(folder, "i.csv", interactions_csv(EVENTS)))
    assert set(persons().values()) == {None}
    extract = link(folder, "ids.csv", "phone-1,C1,2026-01-03T08:00:00Z\nlaptop-1,C1,\n")
    assert extract.report["interactions_reattributed"] == 3
    assert persons() == {"E1": "C1", "E2": "C1", "E3": "C1", "E4": None}
    phone = Identity.objects.get(source="web", external_id="phone-1")
    assert phone.status == "resolved" and phone.linked_at.isoformat() == "2026-01-03T08:00:00+00:00"


def test_interactions_after_the_link_get_their_person_at_once(folder, catalog):
    link(folder, "ids.csv", "phone-1,C2,\n")
    import_extract("interactions", write(folder, "i.csv", interactions_csv(EVENTS)))
    assert persons()["E1"] == "C2"
    assert persons()["E3"] is None


def test_a_visitor_linked_to_two_customers_in_one_file_is_a_conflict(folder, catalog):
    import_extract("interactions", write(folder, "i.csv", interactions_csv(EVENTS)))
    extract = link(folder, "ids.csv", "phone-1,C1,\nphone-1,C2,\nlaptop-1,C1,\n")
    assert extract.report["conflicts"] == [{"visitor_id": "phone-1", "customers": ["C1", "C2"]}]
    phone = Identity.objects.get(source="web", external_id="phone-1")
    assert (phone.status, phone.person) == ("conflict", None)
    assert "C1 (line 2), C2 (line 3)" in phone.note
    assert persons() == {"E1": None, "E2": None, "E3": "C1", "E4": None}


def test_a_conflict_across_extracts_unlinks_and_is_never_guessed(folder, catalog):
    import_extract("interactions", write(folder, "i.csv", interactions_csv(EVENTS)))
    link(folder, "ids-1.csv", "phone-1,C1,\n")
    assert persons()["E1"] == "C1"
    link(folder, "ids-2.csv", "phone-1,C2,\n")
    phone = Identity.objects.get(source="web", external_id="phone-1")
    assert phone.status == "conflict"
    assert "C1 (earlier extract), C2 (line 2)" in phone.note
    assert persons()["E1"] is None
    # a later link to either customer leaves the conflict alone
    link(folder, "ids-3.csv", "phone-1,C1,\n")
    assert Identity.objects.get(pk=phone.pk).status == "conflict"


def test_the_same_link_twice_is_not_an_error(folder, catalog):
    extract = link(folder, "ids.csv", "phone-1,C1,2026-01-05\nphone-1,C1,2026-01-04\n")
    assert extract.rows_rejected == 0
    assert extract.report["counts"]["repeated links"] == 1
    phone = Identity.objects.get(source="web", external_id="phone-1")
    assert phone.linked_at.date().isoformat() == "2026-01-04"


def test_the_identity_report(folder, catalog):
    import_extract("interactions", write(folder, "i.csv", interactions_csv(EVENTS)))
    link(folder, "ids.csv", "phone-1,C1,\nlaptop-1,C1,\nanon-7,C1,\nanon-7,C2,\n")
    report = identity_report()
    assert (report.interactions, report.resolved_interactions) == (4, 3)
    assert report.resolved_percent == 75.0
    assert report.people_with_several_devices == 1
    assert report.most_devices == [("C1", 2)]
    assert [i.external_id for i in report.conflicts] == ["anon-7"]
    assert report.top_unresolved == [{"visitor": "anon-7", "status": "conflict", "events": 1}]
    assert Person.objects.get(customer_id="C1").interactions.count() == 3
