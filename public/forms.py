"""Forms of the public site."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.core.validators import MinValueValidator
from django.utils.translation import gettext_lazy as _

# The period is compared with the one a year earlier, which needs a year before the start:
# "0001-01-01" was a 500. No accident on record is anywhere near this old.
EARLIEST_START = datetime.date(1900, 1, 1)


class PeriodForm(forms.Form):
    # ISO dates: what <input type="date"> reads and sends, whatever the page's language.
    start = forms.DateField(
        label=_("开始日期"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        input_formats=["%Y-%m-%d"],
        validators=[MinValueValidator(EARLIEST_START)],
    )
    end = forms.DateField(
        label=_("结束日期"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        input_formats=["%Y-%m-%d"],
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if start and end:
            if start > end:
                self.add_error("end", _("结束日期不能早于开始日期。"))
            elif end - start > datetime.timedelta(days=366 * 10):
                self.add_error("end", _("统计期间最长十年。"))
        return data
