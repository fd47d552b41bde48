"""The UI kit: the one field template (through the form renderer), the one pagination that
keeps the query string, the one error summary, the digit grouping filter."""

from decimal import Decimal

import pytest
from django import forms
from django.core.paginator import Paginator
from django.template import Context, Template
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.utils import translation

from core.templatetags.ui import grouped


class SampleForm(forms.Form):
    name = forms.CharField(label="单位名称", help_text="写全称")
    note = forms.CharField(label="备注", required=False)
    agree = forms.BooleanField(label="确认", required=False)
    kinds = forms.MultipleChoiceField(
        label="种类",
        choices=[(str(n), f"种类{n}") for n in range(12)],
        widget=forms.CheckboxSelectMultiple,
        help_text="可多选",
    )


def flat(html: str) -> str:
    return " ".join(html.split())


def test_field_template_gives_label_required_marker_help_and_errors():
    form = SampleForm(data={"name": ""})

    html = flat(Template("{{ form.name.as_field_group }}").render(Context({"form": form})))

    assert html == (
        '<div class="field field--error"> '
        '<label class="field__label" for="id_name">单位名称<span class="field__required" '
        'aria-hidden="true"> *</span></label> '
        '<p class="field__help" id="id_name_helptext">写全称</p> '
        '<ul class="errorlist" id="id_name_error"><li>该字段是必填项。</li></ul> '
        '<input type="text" name="name" required aria-invalid="true" '
        'aria-describedby="id_name_helptext id_name_error" id="id_name"> </div>'
    )


def test_field_template_puts_a_checkbox_inside_its_label():
    html = flat(str(SampleForm()["agree"].as_field_group()))

    assert html == (
        '<div class="field"> <label class="field__choice" for="id_agree">'
        '<input type="checkbox" name="agree" id="id_agree"> <span>确认</span></label> </div>'
    )


def test_field_template_groups_choices_in_a_fieldset_that_scrolls_when_long():
    html = flat(str(SampleForm(data={})["kinds"].as_field_group()))

    assert html.startswith(
        '<div class="field field--error"> <fieldset class="field__choices '
        'field__choices--scroll" aria-describedby="id_kinds_helptext id_kinds_error"> '
        '<legend class="field__label">种类<span class="field__required" aria-hidden="true">'
        " *</span></legend>"
    )
    assert (
        '<label class="field__choice" for="id_kinds_0"><input type="checkbox" name="kinds" '
        'value="0" id="id_kinds_0" aria-invalid="true"> <span>种类0</span></label>'
    ) in html


def test_whole_form_renders_every_field_through_the_one_template():
    html = str(SampleForm())

    assert html.count('<div class="field">') == 4
    assert 'class="field__label" for="id_note">备注</label>' in html


@pytest.mark.parametrize(
    ("query", "previous", "following"),
    [
        ("?status=draft&q=x+y&page=2", "?status=draft&amp;q=x+y&amp;page=1",
         "?status=draft&amp;q=x+y&amp;page=3"),
        ("?page=2", "?page=1", "?page=3"),
        ("?queue=overdue&page=2", "?queue=overdue&amp;page=1", "?queue=overdue&amp;page=3"),
    ],
)  # fmt: skip
def test_pagination_keeps_the_query_string(query, previous, following):
    request = RequestFactory().get(f"/staff/batches/{query}")
    page = Paginator(list(range(30)), 10).get_page(2)

    html = render_to_string("_pagination.html", {"page": page, "request": request})

    assert f'<a href="{previous}" rel="prev">上一页</a>' in html
    assert f'<a href="{following}" rel="next">下一页</a>' in html
    assert '<span aria-current="page">第 2 页，共 3 页</span>' in html


def test_error_summary_links_every_error_to_its_field():
    form = SampleForm(data={"name": "", "kinds": ["0"]})
    form.is_valid()

    html = flat(render_to_string("_error_summary.html", {"form": form}))

    assert 'role="alert"' in html
    assert 'id="error-summary"' in html
    assert '<li><a href="#id_name">单位名称：该字段是必填项。</a></li>' in html


def test_error_summary_names_the_form_of_a_formset():
    formset = forms.formset_factory(SampleForm, extra=0)(
        data={
            "form-TOTAL_FORMS": "2",
            "form-INITIAL_FORMS": "0",
            "form-0-name": "甲",
            "form-0-kinds": ["1"],
            "form-1-kinds": ["1"],
        }
    )
    formset.is_valid()

    html = flat(
        render_to_string("_error_summary.html", {"formset": formset, "item_label": "检查发现"})
    )

    assert '<li><a href="#id_form-1-name">检查发现 2 · 单位名称：该字段是必填项。</a></li>' in html


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_grouped_formats_with_commas_whatever_the_language(language):
    with translation.override(language):
        assert grouped(10936000) == "10,936,000"
        assert grouped(Decimal("10936000.00")) == "10,936,000.00"
        assert grouped(Decimal("10936000"), 2) == "10,936,000.00"
        assert grouped(Decimal("1185200.5"), 2) == "1,185,200.50"
        assert grouped(999) == "999"
        assert grouped(None) == ""
        assert grouped("—") == "—"
