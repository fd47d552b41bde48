"""The public list's filter form and rows, written without a template per field, widget,
option or badge (the ``field_group`` and ``entry_rows`` tags): the
same HTML, modulo whitespace, as the field and row templates they replace, for several
filter combinations in both languages."""

# ruff: noqa: E501 - the reference templates are kept as they were written, one line per element

import datetime
import re

import pytest
from django.template import Context, Template
from django.urls import reverse
from django.utils import timezone, translation

from publicity.enums import EntryStatus
from rectification.enums import CaseStatus
from registry.enums import Disposition, ExposureCategory
from registry.models import Jurisdiction
from tests.factories import ListedEntryFactory, PublishedBatchFactory

pytestmark = pytest.mark.django_db
URL = reverse("public:entry-list")

# What entry_list.html and its rows template rendered through the templates: the form's fields
# by as_field_group, the rows with a badge include and a translation per label and row.
REFERENCE_FORM = Template(
    """{% load i18n %}<form class="filters form" method="get" action="{% url 'public:entry-list' %}" role="search" aria-labelledby="filters-title">
    <h2 id="filters-title" class="visually-hidden">{% translate "筛选和搜索" %}</h2>
    {% include "_error_summary.html" with form=filter.form %}
    <div class="filters__grid filters__grid--main">
      {{ filter.form.q.as_field_group }}
      {{ filter.form.district.as_field_group }}
    </div>
    <details class="filters__more"{% if has_more_filters %} open{% endif %}>
      <summary>{% translate "更多筛选和排序" %}</summary>
      <div class="filters__grid">
        {% for field in filter.form.visible_fields %}{% if field.name != "q" and field.name != "district" %}{{ field.as_field_group }}{% endif %}{% endfor %}
      </div>
      {% for field in filter.form.hidden_fields %}{{ field }}{% endfor %}
    </details>
    <div class="filters__actions">
      <button type="submit" class="button">{% translate "查询" %}</button>
      {% if is_filtered %}<a href="{% url 'public:entry-list' %}">{% translate "清除筛选" %}</a>{% endif %}
    </div>
  </form>"""
)
REFERENCE_ROWS = Template(
    """{% load i18n %}<ol class="entry-list">
  {% for entry in page.rows %}
    <li class="entry-card">
      <h3 class="entry-card__title"><a href="{% url 'public:entry-detail' entry.pk %}">{{ entry.unit_name }}</a></h3>
      {% include "public/_badge.html" with badge=entry.badge %}
      <dl class="entry-card__facts">
        <div><dt>{% translate "县区" %}</dt><dd>{{ entry.district.display_name }}</dd></div>
        <div><dt>{% translate "行业" %}</dt><dd>{{ entry.industry.display_name }}</dd></div>
        <div><dt>{% translate "曝光类别" %}</dt><dd>{{ entry.get_category_display }}</dd></div>
        <div><dt>{% translate "处理措施" %}</dt><dd>{{ entry.get_disposition_display }}</dd></div>
        <div><dt>{% translate "批次" %}</dt><dd>{{ entry.batch.label }}</dd></div>
        <div><dt>{% translate "公示日期" %}</dt><dd>{{ entry.published_on|date:"Y-m-d" }}</dd></div>
      </dl>
    </li>
  {% endfor %}
</ol>"""
)


def _squashed(html):
    return re.sub(r"\s+", " ", html).replace("> <", "><").strip()


def _between(html, start, end):
    begin = html.index(start)
    return html[begin : html.index(end, begin) + len(end)]


@pytest.fixture
def entries():
    batch = PublishedBatchFactory(year=2009, number=3)
    boluo = Jurisdiction.objects.get(code="441322")
    ListedEntryFactory(batch=batch, district=boluo, unit_name='博罗<"引号">&五金厂')
    ListedEntryFactory(
        batch=batch, category=ExposureCategory.ILLEGAL_OPERATION, disposition=Disposition.BANNED
    )
    rectified = ListedEntryFactory(batch=batch)
    rectified.case.status = CaseStatus.RECTIFIED
    rectified.case.closed_on = timezone.localdate()
    rectified.case.save(update_fields=["status", "closed_on"])
    current = ListedEntryFactory(batch=batch)
    current.case.deadline = timezone.localdate() + datetime.timedelta(days=30)
    current.case.save(update_fields=["deadline"])
    ListedEntryFactory(batch=batch, status=EntryStatus.REMOVED)
    return boluo


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_entry_list_form_and_rows_equal_the_templates_they_replace(client, entries, language):
    boluo = entries
    queries = [
        {},
        {"district": boluo.pk},
        {"q": "五金", "sort": "name"},
        {"category": "illegal_operation", "disposition": "banned", "year": "2009"},
        {"rectification": "rectified", "scope": "all", "batch_number": "3", "year": "2009"},
        {"overdue": "on", "scope": "removed"},
        {"year": "1900", "batch_number": "x"},  # refused: the fields show their errors
    ]
    for query in queries:
        response = client.get(URL, query, HTTP_ACCEPT_LANGUAGE=language)

        html = response.content.decode()
        context = Context(
            {
                name: response.context[name]
                for name in ("filter", "page", "has_more_filters", "is_filtered")
            }
        )
        with translation.override(language):
            form = REFERENCE_FORM.render(context)
            rows = REFERENCE_ROWS.render(context)
        assert _squashed(_between(html, '<form class="filters', "</form>")) == _squashed(form)
        if response.context["page"].rows:
            assert _squashed(_between(html, '<ol class="entry-list">', "</ol>")) == _squashed(rows)
