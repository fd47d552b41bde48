"""Template helpers of the public site."""

from __future__ import annotations

from collections.abc import Iterable

from django import template
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from core.rows import choice_labels, url_shape
from publicity.models import Entry

register = template.Library()


@register.simple_tag
def entry_rows(rows: Iterable[Entry]) -> SafeString:
    """The public list's rows (``<ol class="entry-list">``), written in Python: a cold page
    of the list renders 50 of them, and the same markup through the template engine cost
    about as much as the rest of the page. The labels are translated once per list, the
    link reversed once, the choices' labels read from a per-language table
    (tests/public/test_list_html.py holds it to the template it replaces)."""
    head, tail = url_shape("public:entry-detail")
    categories = choice_labels(Entry, "category")
    dispositions = choice_labels(Entry, "disposition")
    labels = [
        conditional_escape(_(text))
        for text in ("县区", "行业", "曝光类别", "处理措施", "批次", "公示日期")
    ]
    esc = conditional_escape
    parts = ['<ol class="entry-list">']
    for entry in rows:
        badge = entry.badge  # type: ignore[attr-defined]
        published = entry.published_on.isoformat() if entry.published_on else ""
        facts = (
            entry.district.display_name,
            entry.industry.display_name,
            categories.get(str(entry.category), entry.category),
            dispositions.get(str(entry.disposition), entry.disposition),
            entry.batch.label,
            published,
        )
        cells = "".join(
            f"<div><dt>{label}</dt><dd>{esc(value)}</dd></div>"
            for label, value in zip(labels, facts, strict=True)
        )
        parts.append(
            '<li class="entry-card">'
            f'<h3 class="entry-card__title"><a href="{head}{int(entry.pk)}{tail}">'
            f"{esc(entry.unit_name)}</a></h3>"
            f'<span class="badge badge--{esc(badge.slug)}">{esc(badge.label)}</span>'
            f'<dl class="entry-card__facts">{cells}</dl></li>'
        )
    parts.append("</ol>")
    return mark_safe("".join(parts))  # noqa: S308 - every value above is escaped
