"""core.forms.PlainFormRenderer (the ``field_group`` tag) writes the same HTML as the site's
field template and Django's widget templates: byte for byte, for every field of the public
list's filter form in every state, in both languages, and for the fields it hands back to
the templates (errors, groups of choices, checkboxes, required fields)."""

import pytest
from django import forms
from django.template import Context, Template
from django.utils import translation

from public.filters import EntryFilter
from registry.models import Industry, Jurisdiction

pytestmark = pytest.mark.django_db


def _tagged(field):
    return Template("{% load ui %}{% field_group field %}").render(Context({"field": field}))


def _assert_same(form):
    for field in form:
        expected = str(field) if field.is_hidden else field.as_field_group()
        assert _tagged(field) == expected, field.name


def _filter_data():
    district = Jurisdiction.objects.get(code="441322")
    industry = Industry.objects.first()
    return [
        {},
        {"q": "五金厂", "district": str(district.pk)},
        {"q": '<b>"引号"&amp;</b>', "industry": str(industry.pk), "sort": "name"},
        {"category": "major_hazard", "disposition": "banned", "year": "2009"},
        {"batch_number": "3", "year": "2009", "rectification": "rectified", "overdue": "on"},
        {"scope": "all", "overdue": "true", "batch": "999"},
        # Refused values: those fields carry errors and go through the template.
        {"district": "nowhere", "year": "1900", "batch_number": "x", "overdue": "maybe"},
        {"q": "厂"},
    ]


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_field_group_equals_the_field_template_for_the_list_filters(language):
    with translation.override(language):
        for data in _filter_data():
            entry_filter = EntryFilter(data)
            entry_filter.is_valid()
            _assert_same(entry_filter.form)


class MixedForm(forms.Form):
    name = forms.CharField(label="名称 <&>", help_text='说明 "引号"', max_length=5)
    email = forms.EmailField(required=False, initial="a@example.com")
    choice = forms.ChoiceField(
        choices=[("", "—"), ("分组", [("a", "甲"), ("b", "乙")]), ("c", "丙")], required=False
    )
    radios = forms.ChoiceField(choices=[("x", "X"), ("y", "Y")], widget=forms.RadioSelect)
    agree = forms.BooleanField(required=False)
    picked = forms.MultipleChoiceField(
        choices=[("1", "一"), ("2", "二")], required=False, widget=forms.SelectMultiple
    )
    note = forms.CharField(widget=forms.Textarea, required=False)
    secret = forms.CharField(widget=forms.HiddenInput, initial="s&s")


@pytest.mark.parametrize(
    "data",
    [
        None,
        {"name": "甲", "choice": "b", "radios": "x", "agree": "on", "picked": ["1", "2"]},
        {"name": "too long a name", "email": "no", "choice": "zz"},
    ],
)
def test_field_group_equals_the_field_template_for_other_widgets(data):
    form = MixedForm(data)
    form.is_valid()

    _assert_same(form)
