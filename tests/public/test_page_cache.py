"""Whole public pages cached for anonymous visitors (public/page_cache.py): one
Redis command and no query for a cached page; nothing personal, no CSRF token, no POST and
no error page stored; a publication shows at once; one page per language; Redis down, the
pages come from the database."""

from __future__ import annotations

import datetime

import pytest
import redis
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.template import RequestContext, Template
from django.test import Client
from django.urls import path, reverse
from django.utils import timezone

from public.page_cache import public_page
from publicity.models import Entry
from publicity.services import (
    batch_approve,
    batch_create,
    batch_finalise,
    batch_publish,
    batch_submit,
    entry_add,
    notice_build,
)
from tests.factories import FindingFactory, ListedEntryFactory, publication_staff, staff_user

pytestmark = pytest.mark.django_db


def page_keys() -> list[str]:
    return sorted(
        key.decode()
        for key in cache._cache.get_client().keys("*public-page:*")  # type: ignore[attr-defined]
    )


@pytest.fixture
def redis_commands(monkeypatch):
    """The names of the Redis commands this process sends (pipelines as one "PIPELINE")."""
    sent: list[str] = []
    send = redis.Redis.execute_command
    execute = redis.client.Pipeline.execute

    def counted_send(self, *args, **options):
        sent.append(str(args[0]).upper())
        return send(self, *args, **options)

    def counted_execute(self, *args, **options):
        sent.append("PIPELINE")
        return execute(self, *args, **options)

    monkeypatch.setattr(redis.Redis, "execute_command", counted_send)
    monkeypatch.setattr(redis.client.Pipeline, "execute", counted_execute)
    return sent


@pytest.fixture
def public_urls():
    entry = ListedEntryFactory(unit_name="缓存五金厂")
    return [
        "/",
        reverse("public:entry-list"),
        f"{reverse('public:entry-list')}?district={entry.district_id}",
        reverse("public:entry-detail", args=[entry.pk]),
        reverse("public:removal-log"),
        reverse("public:batch-archive"),
        reverse("public:batch-detail", args=[entry.batch_id]),
        reverse("public:statistics"),
    ]


def test_cached_page_is_the_same_bytes_from_one_redis_command_and_no_query(
    client, public_urls, redis_commands, django_assert_num_queries
):
    for url in public_urls:
        first = client.get(url)
        redis_commands.clear()
        with django_assert_num_queries(0):
            cached = client.get(url)
            head = client.head(url)

        assert (cached.status_code, cached.context, cached.content) == (200, None, first.content)
        assert redis_commands == ["MGET", "MGET"], url
        assert head.status_code == 200
        for header in ("Content-Type", "Content-Language", "Vary", "X-Frame-Options"):
            assert cached[header] == first[header], (url, header)
        assert cached["Content-Security-Policy"] == first["Content-Security-Policy"]


def test_public_pages_carry_no_csrf_token_and_set_no_cookie(client, public_urls):
    for url in public_urls:
        response = client.get(url)

        assert b"csrfmiddlewaretoken" not in response.content, url
        assert dict(response.cookies) == {}, url


def test_spellings_of_one_query_share_one_page_that_shows_none_of_them(client):
    entry = ListedEntryFactory()
    url = reverse("public:entry-list")
    canonical = client.get(f"{url}?district={entry.district_id}")
    keys = page_keys()

    spelled = client.get(f"{url}?utm_source=leak&district={entry.district_id}&q=&industry=")

    assert (spelled.context, spelled.content, page_keys()) == (None, canonical.content, keys)
    assert b"leak" not in canonical.content


def test_junk_in_the_query_string_is_not_rendered_into_the_page(client):
    ListedEntryFactory()

    response = client.get(reverse("public:entry-list") + "?sort=name&utm_source=leak&q=")

    assert response.context["request"].get_full_path() == "/entries/?sort=name"
    assert b"leak" not in response.content


def test_publication_shows_at_once(
    client, settings, tmp_path, django_capture_on_commit_callbacks, django_assert_num_queries
):
    settings.MEDIA_ROOT = tmp_path
    url = reverse("public:entry-list")
    client.get(url)
    client.get("/")
    composer, official = publication_staff(), publication_staff()
    batch = batch_create(composer=composer)
    finding = FindingFactory(inspection__enterprise__name="新公示化工厂")
    entry_add(batch=batch, findings=[finding], actor=composer)
    Entry.objects.filter(batch=batch).update(responsible_person="王五")
    batch_submit(batch=batch, actor=composer)
    batch = batch_approve(batch=batch, actor=official)
    batch_finalise(
        batch=batch, actor=official, today=batch.notice_period_ends + datetime.timedelta(days=1)
    )
    notice_build(batch=batch)
    batch.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        batch_publish(
            batch=batch, actor=official, published_on=timezone.localdate(), outlet="惠州日报"
        )

    fresh = client.get(url)
    with django_assert_num_queries(0):
        cached = client.get(url)

    assert fresh.context is not None
    assert "新公示化工厂" in fresh.content.decode()
    assert cached.content == fresh.content


def test_english_and_chinese_are_cached_apart(client, django_assert_num_queries):
    ListedEntryFactory()
    url = reverse("public:entry-list")
    english = Client()
    english.cookies["django_language"] = "en"
    chinese = client.get(url)
    in_english = english.get(url)

    with django_assert_num_queries(0):
        chinese_again = client.get(url)
        english_again = english.get(url)

    assert (chinese_again["Content-Language"], english_again["Content-Language"]) == (
        "zh-hans",
        "en",
    )
    assert (chinese_again.content, english_again.content) == (chinese.content, in_english.content)
    assert '<h1 id="page-title">曝光名单</h1>' in chinese_again.content.decode()
    assert '<h1 id="page-title">Exposure list</h1>' in english_again.content.decode()
    assert "Accept-Language" in chinese_again["Vary"]


def test_signed_in_staff_see_their_own_header_and_nothing_of_theirs_is_stored(client):
    ListedEntryFactory()
    url = reverse("public:entry-list")
    staff = Client()
    staff.force_login(staff_user("inspector-wang", "inspector"))

    theirs = staff.get(url)
    assert page_keys() == []
    public = client.get(url)
    theirs_again = staff.get(url)

    assert "inspector-wang" in theirs.content.decode()
    assert b"csrfmiddlewaretoken" in theirs.content  # the logout form
    assert theirs_again.context is not None  # rendered for them, not the cached page
    assert "inspector-wang" in theirs_again.content.decode()
    assert "inspector-wang" not in public.content.decode()
    assert len(page_keys()) == 1


def test_form_with_a_csrf_token_is_not_cached(client):
    url = reverse("submissions:new")
    client.get(url)

    again = client.get(url)

    assert again.context is not None
    assert b"csrfmiddlewaretoken" in again.content
    assert page_keys() == []


def _page_with_a_token(request: HttpRequest) -> HttpResponse:
    return HttpResponse(Template("<form>{% csrf_token %}</form>").render(RequestContext(request)))


urlpatterns = [path("token/", public_page()(_page_with_a_token))]


@pytest.mark.urls(__name__)
def test_public_page_that_rendered_a_csrf_token_is_not_stored(client):
    first = client.get("/token/")

    assert b"csrfmiddlewaretoken" in first.content
    assert page_keys() == []


def test_post_gets_no_cached_page_and_stores_none(client):
    url = reverse("public:entry-list")
    client.post(url)
    assert page_keys() == []
    client.get(url)

    assert client.post(url).status_code == 405


def test_error_pages_are_not_stored(client):
    url = reverse("public:entry-detail", args=[999999])

    assert [client.get(url).status_code, client.get(url).status_code] == [404, 404]
    assert page_keys() == []


def test_pages_stored_per_path_are_bounded(client, settings):
    settings.PUBLIC_PAGE_CACHE_MAX_QUERIES = 2
    url = reverse("public:entry-list")
    for text in ["一", "二", "三"]:
        client.get(f"{url}?q={text}")

    third = client.get(f"{url}?q=三")

    assert len(page_keys()) == 2
    assert third.context is not None


def test_page_cache_off_renders_every_time(client, settings):
    settings.PUBLIC_PAGE_CACHE = False
    url = reverse("public:entry-list")
    client.get(url)

    assert client.get(url).context is not None
    assert page_keys() == []


def test_redis_down_pages_come_from_the_database(client, settings):
    ListedEntryFactory(unit_name="断线五金厂")
    # A port nothing listens on.
    settings.CACHES = {
        "default": {
            "BACKEND": "core.cache.ResilientRedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"socket_connect_timeout": 0.2},
        }
    }
    url = reverse("public:entry-list")

    responses = [client.get(url), client.get(url)]

    assert [r.status_code for r in responses] == [200, 200]
    assert all(r.context is not None for r in responses)
    assert "断线五金厂" in responses[1].content.decode()


def test_language_switch_needs_no_csrf_token_but_refuses_another_site():
    browser = Client(enforce_csrf_checks=True)
    data = {"language": "en", "next": "/entries/"}

    switched = browser.post(reverse("set_language"), data)
    forged = browser.post(reverse("set_language"), data, headers={"Sec-Fetch-Site": "cross-site"})

    assert (switched.status_code, switched["Location"]) == (302, "/entries/")
    assert switched.cookies["django_language"].value == "en"
    assert forged.status_code == 403


def test_shared_pages_stay_cached_after_many_distinct_searches_and_filters(
    client, settings, public_urls, django_assert_num_queries
):
    settings.PUBLIC_PAGE_CACHE_MAX_QUERIES = 3
    list_url = reverse("public:entry-list")
    # A hundred times the budget: as many as it takes to fill it, and far more.
    for n in range(300):
        client.get(list_url, {"q": f"搜索{n}"})
    # Rare combinations of filters: their own budget, also spent.
    for year in range(2010, 2016):
        client.get(list_url, {"year": year, "disposition": "banned"})
    shared = [url for url in public_urls if "?" not in url]
    # The plain list's further pages, orders and scopes draw on a budget of their own.
    shared += [f"{list_url}?sort=oldest", f"{list_url}?scope=all"]

    for url in shared:
        client.get(url)
        with django_assert_num_queries(0):
            response = client.get(url)
        # Answered by the middleware from the stored bytes, without the view.
        assert (url, response.status_code, response.context) == (url, 200, None)
    # A search past its budget is still answered, from the database.
    late = client.get(list_url, {"q": "缓存五金"})
    assert late.context is not None
    assert [entry.unit_name for entry in late.context["page"].rows] == ["缓存五金厂"]
