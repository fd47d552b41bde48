"""What a browser loads, served as production serves it (tests/conftest.py): pages name their
static files by hashed names from the manifest and whitenoise answers them from the collected
STATIC_ROOT, cached for good. A page that names a missing file, or a file whitenoise does not
serve, fails here."""

import pytest
from django.conf import settings
from django.contrib.staticfiles.storage import staticfiles_storage

from tests.factories import ListedEntryFactory, PublishedBatchFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _static_responses(page, path):
    """The responses to the page's requests for static files, as (url, status, headers)."""
    responses = []
    page.on(
        "response",
        lambda response: (
            responses.append((response.url, response.status, response.all_headers()))
            if "/static/" in response.url
            else None
        ),
    )
    answer = page.goto(path)
    page.wait_for_load_state("networkidle")
    return answer, responses


@pytest.mark.parametrize("path", ["/", "/statistics/", "/no-such-page/"])
def test_every_static_file_a_page_loads_is_served_by_its_hashed_name(page, path):
    PublishedBatchFactory()
    ListedEntryFactory()

    answer, responses = _static_responses(page, path)

    assert answer.status == (404 if path == "/no-such-page/" else 200)
    stylesheet = staticfiles_storage.url("css/site.css")
    assert any(url.endswith(stylesheet) for url, _status, _headers in responses)
    failed = [(url, status) for url, status, _headers in responses if status != 200]
    assert failed == []
    for url, _status, headers in responses:  # hashed names: cached for good
        assert "immutable" in headers["cache-control"], url
    # The stylesheet applied: the header is laid out by site.css, not the browser's defaults.
    display = page.locator(".site-header__inner").evaluate("e => getComputedStyle(e).display")
    assert display == "flex"


def test_the_404_page_is_in_english_after_the_language_switch(page):
    page.goto("/")
    page.get_by_role("button", name="English").click()
    page.wait_for_url("**/")

    answer = page.goto("/no-such-page/")

    assert answer.status == 404
    assert page.locator("h1").inner_text() == "Page not found"
    assert page.locator("html").get_attribute("lang") == "en"
    assert settings.AUTHORITY_NAME_EN in page.locator(".brand__authority").inner_text()
