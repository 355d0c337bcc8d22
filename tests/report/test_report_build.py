"""The report's content: the dashboard's numbers, recomputed from rows; no PII; escaping."""

import re
from collections import defaultdict
from html.parser import HTMLParser

import pytest

from pilot.exports import pseudonym
from pilot.models import Participant, Rating, Recommendation
from pilot.report import NAMESPACES, build_report, definitions, offline_plotly
from pilot.report.sections import PARTS
from tests.report.conftest import EVIL, study, table, tables  # noqa: F401

pytestmark = pytest.mark.django_db


def test_it_has_every_part_in_order_and_one_plotly(report_html):
    ids = re.findall(r'<section class="part" id="([\w-]+)"', report_html)
    assert ids == ["design", "arms", "participants", "response", "scores", "offline",
                   "how-many", "seasonality", "comparison", "comments", "definitions"]  # fmt: skip
    assert len(PARTS) == len(ids) - 1
    assert report_html.count("<script>/**\n* plotly.js v") == 1  # the bundle, once
    assert report_html.count("var Plotly=") == 1
    assert report_html.count("<script>") == 2  # plotly.js and charts.js, both inline
    assert "<script src" not in report_html
    assert report_html.count("data-plotly-figure=") >= 8


def test_its_mean_stars_per_arm_agree_with_the_ratings(rated_study, report_html):
    got = {r["arm"]: r for r in table(report_html, "scores", "Per arm, all weeks")}
    assert set(got) == set(rated_study.arms.values_list("name", flat=True))
    for arm in rated_study.arms.all():
        stars = [r.stars for r in Rating.objects.filter(recommendation__participant__arm=arm)]
        assert float(got[arm.name]["mean stars"]) == pytest.approx(
            sum(stars) / len(stars), abs=1e-4
        )
        assert float(got[arm.name]["stars ci low"]) <= sum(stars) / len(stars)
        assert float(got[arm.name]["stars ci high"]) >= sum(stars) / len(stars)
        liked = sum(s >= 4 for s in stars) / len(stars)
        assert float(got[arm.name]["liked share"]) == pytest.approx(liked, abs=1e-4)
        assert int(got[arm.name]["ratings"]) == len(stars)


def test_its_response_rates_agree_with_the_recommendations(rated_study, report_html):
    lists, answered = defaultdict(set), defaultdict(set)
    for rec in Recommendation.objects.filter(batch__study=rated_study).select_related(
        "participant__arm", "batch"
    ):
        key = (rec.participant.arm.name, rec.batch.label)
        lists[key].add(rec.participant_id)
        if Rating.objects.filter(recommendation=rec).exists():
            answered[key].add(rec.participant_id)
    rows = table(report_html, "response", "Response per arm and week")
    assert {(r["arm"], r["week"]) for r in rows} == set(lists)
    for row in rows:
        key = (row["arm"], row["week"])
        assert int(row["participants"]) == len(lists[key])
        assert int(row["responders"]) == len(answered[key])
        rate = len(answered[key]) / len(lists[key])
        assert float(row["response rate"]) == pytest.approx(rate, abs=1e-4)


def test_its_participants_and_arms_agree_with_the_rows(rated_study, report_html):
    status = {r["arm"]: r for r in table(report_html, "participants", "Enrolled and withdrawn")}
    for arm in rated_study.arms.all():
        assert int(status[arm.name]["enrolled"]) == Participant.objects.filter(arm=arm).count()
    regions = [r for r in table(report_html, "participants", "Participants by segment")
               if r["segment"] == "Region"]  # fmt: skip
    by_region = defaultdict(int)
    for p in Participant.objects.filter(study=rated_study).select_related("person"):
        by_region[p.person.region or "unknown"] += 1
    assert {r["value"]: int(r["all"]) for r in regions} == dict(by_region)
    arms = table(report_html, "arms", "Arms")
    assert sum(float(r["share"]) for r in arms) == pytest.approx(1)


def test_it_shows_withdrawals(rated_study):
    from django.utils import timezone

    first = Participant.objects.filter(study=rated_study).order_by("pk").first()
    Participant.objects.filter(pk=first.pk).update(active=False, withdrawn_at=timezone.now())
    rows = {r["arm"]: r for r in table(build_report(rated_study), "participants", "Enrolled")}
    assert int(rows[first.arm.name]["withdrawn"]) == 1
    assert sum(int(r["withdrawn"]) for r in rows.values()) == 1


def test_it_carries_no_email_name_or_customer_id(rated_study, report_html):
    for p in Participant.objects.filter(study=rated_study).select_related("person", "user"):
        for secret in (p.person.customer_id, p.person.email, p.user.email, p.user.username):
            assert secret and secret not in report_html, secret
    shown = {r["participant"] for r in table(report_html, "comments", "A selection")}
    people = Participant.objects.filter(study=rated_study).select_related("person")
    assert shown and shown <= {pseudonym(rated_study.key, p.person.customer_id) for p in people}


def test_it_escapes_comments(rated_study):
    latest = rated_study.batches.order_by("-iso_year", "-iso_week").first()
    changed = (
        Rating.objects.filter(recommendation__batch=latest).exclude(comment="").update(comment=EVIL)
    )
    assert changed
    html = build_report(rated_study)
    texts = [r["text"] for r in table(html, "comments", "A selection")]
    assert EVIL in texts  # shown, as text
    body = html.split("<script>")[0]
    assert "<script>alert" not in body and "<img src=x" not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body


def test_it_defines_every_term_it_shows_from_the_docs(report_html):
    found = definitions._all(str(definitions.settings.BASE_DIR))
    for term in ("response rate", "mean stars", "NDCG@k", "catalog coverage", "mann-whitney u",
                 "sample-ratio mismatch", "how many?"):  # fmt: skip
        d = found[definitions.normalise(term)]
        assert d.term in report_html.split('id="definitions"')[1]
    # The text is the docs' own: one sentence of docs/metrics.md, word for word.
    assert "2/4 = <strong>0.5</strong>" in report_html
    with pytest.raises(definitions.MissingDefinition, match="'no such number'"):
        definitions.lookup(["no such number"])


def test_definitions_are_parsed_from_tables_and_bullets():
    text = (
        "## Ranking\n\n| metric | definition | example |\n|---|---|---|\n"
        "| recall@k | \\|L∩R\\| / \\|R\\| | 2/3 |\n\n## Stats\n\n"
        "- **Rated**: a rated one. **Responders**: who rated; **response rate** = r / p.\n"
        "  More text.\n\n  Second paragraph.\n- **Other** thing.\n"
    )
    found = definitions.parse(text, "x.md")
    assert found["recall@k"].paragraphs == ("\\|L∩R\\| / \\|R\\|", "**example**: 2/3")
    assert found["recall@k"].source == "x.md, Ranking"
    assert found["response rate"] is found["rated"] is found["responders"]
    assert found["rated"].paragraphs[-1] == "Second paragraph."
    assert "<code>a&lt;b</code>" in definitions.inline("`a<b` [link](http://x.example)")
    assert "http" not in definitions.inline("[link](http://x.example)")


ADDRESS = re.compile(r"""https?://[^\s"'<>()`,;]{0,60}""", re.I)


class _Classifier(HTMLParser):
    """Where each http(s):// of the file is: attribute, script, style, comment or text."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found, self.where, self.code = [], [], []

    def _note(self, kind, text):
        self.found += [(kind, m.group(0)) for m in ADDRESS.finditer(text)]

    def handle_starttag(self, tag, attrs):
        self.where.append(tag)
        for _, value in attrs:
            self._note(f"attribute of <{tag}>", value or "")

    def handle_endtag(self, tag):
        if tag in ("script", "style"):  # their text may come in several pieces
            self._note(tag, "".join(self.code))
            self.code = []
        if self.where and self.where[-1] == tag:
            self.where.pop()

    def handle_data(self, data):
        if self.where and self.where[-1] in ("script", "style"):
            self.code.append(data)
        else:
            self._note("text", data)

    def handle_comment(self, data):
        self._note("comment", data)


def test_every_http_address_in_the_file_is_a_namespace_or_plain_text(rated_study):
    latest = rated_study.batches.order_by("-iso_year", "-iso_week").first()
    Rating.objects.filter(recommendation__batch=latest).exclude(comment="").update(comment=EVIL)
    html = build_report(rated_study)
    parser = _Classifier()
    parser.feed(html)
    raw = len(re.findall(r"https?://", html, re.I))
    assert len(parser.found) == raw  # every occurrence classified
    allowed_in_script = [u for kind, u in parser.found if kind == "script"]
    assert allowed_in_script and all(u.startswith(NAMESPACES) for u in allowed_in_script)
    text = [u for kind, u in parser.found if kind == "text"]
    assert text and all(u.startswith("https://evil.example/x.png") for u in text)  # the comment
    others = [(kind, u) for kind, u in parser.found if kind not in ("script", "text")]
    assert others == []  # none in an attribute (src, href, data-*), a style or a comment
    # No reference to anything outside the file: no src at all, only in-page links, no url().
    document = html.split("<script>")[0]  # the markup, before the two inline scripts
    assert not re.search(r"<[a-z]+[^>]*\ssrc=", document, re.I)
    anchors = {f"#{name}" for name in re.findall(r'id="([\w-]+)"', document)}
    assert set(re.findall(r'href="([^"]*)"', document)) <= anchors
    assert "url(" not in html.split("</style>")[0].split("<style")[1].replace("url(data:", "")
    assert "sourceMappingURL" not in html


def test_offline_plotly_keeps_namespaces_and_removes_the_rest():
    source = 'a="http://www.w3.org/2000/svg";b="https://cdn.plot.ly/x.js"/* https://x.org */'
    out = offline_plotly(source)
    assert "http://www.w3.org/2000/svg" in out and "cdn.plot.ly" in out
    assert re.findall(r"https?://", out) == ["http://"]
    with pytest.raises(Exception, match="</script"):
        offline_plotly('x="</script>"')


def test_the_file_sets_its_own_strict_csp(report_html):
    import base64
    import hashlib

    policy = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', report_html)
    assert policy and "default-src 'none'" in policy.group(1)
    for script in re.findall(r"<script>(.*?)</script>", report_html, re.S):
        digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
        assert f"'sha256-{digest}'" in policy.group(1)


def test_it_builds_for_a_study_with_no_week_yet(study):  # noqa: F811
    html = build_report(study)
    assert "0 weekly batches." in html
    assert "No rows." in html and 'id="definitions"' in html


def test_its_comparison_part_is_the_latest_stored_comparison_of_the_arms(rated_study):
    from pilot import comparisons
    from pilot.report import build_report

    before = build_report(rated_study)
    assert "No model version of this study&#x27;s arms has been compared" in before
    # Versions trained here (the fixture's are made by hand, with no holdout to compare on),
    # put on the study's arms.
    from pilot import training

    small = {"factors": 4, "iterations": 3}
    a = training.train_version("als", params=small, seed=1, name="als-report-a")
    b = training.train_version(**training.variant_spec(a, add="user:region"))
    arms = list(rated_study.arms.order_by("pk"))
    for arm, version in zip(arms, (a, b), strict=False):
        arm.model_version = version
        arm.save(update_fields=["model_version"])
    comparisons.compare_versions(a, b)
    stored = comparisons.latest_for_study(rated_study)
    assert (stored.version_a, stored.version_b) == (a, b)

    html = build_report(rated_study)
    part = html[html.index('id="comparison"') : html.index('id="comments"')]
    assert stored.sentence and stored.sentence.replace("'", "&#x27;") in part
    shown = next(t for t in tables(html) if t["part"] == "comparison" and "B - A" in t["title"])
    by_metric = {row["metric"]: row for row in shown["rows"]}
    for row in stored.result["deltas"]:  # the stored numbers, as the comparison page shows them
        assert float(by_metric[row["metric"]]["delta"]) == pytest.approx(row["delta"], abs=1e-4)
    assert {"Metric deltas", "Jaccard@k", "Rank-biased overlap"} <= {
        term.strip() for term in re.findall(r"<dt>([^<]+)<span", html)
    }
