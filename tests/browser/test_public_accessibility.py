"""axe-core (installed by npm, served from our static files) over the public pages, in
Chinese and in English: no serious or critical WCAG 2.1 A/AA violations."""

import datetime

import pytest
from django.urls import reverse

from tests.factories import AccidentFactory, ErratumFactory, EventFactory, ListedEntryFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]

AXE = "/static/vendor/axe-core/axe.min.js"
RUN_AXE = """async () => {
  const result = await axe.run(document, {
    runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
  });
  return result.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
}"""


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_public_pages_have_no_serious_axe_violations(page, language):
    entry = ListedEntryFactory()
    EventFactory(case=entry.case)
    ErratumFactory(entry=entry)
    AccidentFactory(date=datetime.date(2010, 3, 1), deaths=3)
    if language == "en":
        page.goto("/")
        page.get_by_role("button", name="English").click()
        page.wait_for_load_state()

    urls = [
        reverse("home"),  # with the exposure map and its table
        reverse("public:entry-list"),
        reverse("public:entry-list") + "?q=x",  # with an error summary
        reverse("public:entry-detail", args=[entry.pk]),
        reverse("public:batch-archive"),
        reverse("public:batch-detail", args=[entry.batch_id]),
        reverse("public:statistics"),
        reverse("public:statistics") + "?year=1999",  # the map filter with an error
        reverse("submissions:new"),
        reverse("submissions:status"),
    ]
    found = {}
    for url in urls:
        page.goto(url)
        if url == reverse("home") or url.startswith(reverse("public:statistics")):
            page.wait_for_selector(".map-block--drawn [data-map] svg")  # axe sees the map too
        page.add_script_tag(url=AXE)
        violations = page.evaluate(RUN_AXE)
        if violations:
            found[url] = violations

    assert found == {}


def test_public_statistics_draws_charts_from_json_script(page):
    ListedEntryFactory()

    page.goto(reverse("public:statistics"))

    page.wait_for_selector(".chart--drawn svg")
    assert page.locator(".chart--drawn").count() == 5
