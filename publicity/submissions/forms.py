"""Forms of reports and consultations: the public's form and tracker, and the triage."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.contrib.auth.models import User
from django.utils.translation import gettext_lazy as _

from core.workflow_forms import MoveForm
from publicity.enums import SubmissionKind, SubmissionStatus
from publicity.submissions.selectors import submission_assignees
from publicity.submissions.workflow import SUBMISSION, submission_move_to
from registry.enums import JurisdictionLevel
from registry.models import Jurisdiction
from registry.templatetags.registry_tags import person

BODY_MAX_CHARS = 3000  # also in the body's help text
# Markup (tags, entities) or control characters: the form takes plain text only, so nothing
# a reporter types can become markup in a staff member's browser or a spreadsheet.
MARKUP = re.compile(r"<\s*[a-zA-Z/!?]|&[#a-zA-Z0-9]+;")
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def plain_text(value: str) -> str:
    if MARKUP.search(value) or CONTROL.search(value):
        raise forms.ValidationError(
            _("请只填写纯文字，不要包含网页标签（如 <b>）或特殊控制字符。"), code="markup"
        )
    return value


class SubmissionForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("类型"),
        choices=SubmissionKind.choices,
        widget=forms.RadioSelect,
        initial=SubmissionKind.REPORT,
    )
    subject = forms.CharField(label=_("主题"), max_length=200)
    body = forms.CharField(
        label=_("内容"),
        max_length=BODY_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("请写明时间、地点和情况，最多 3000 字。"),
        error_messages={
            "max_length": _("内容最多 %(limit_value)d 字，现在是 %(show_value)d 字，请删减。")
        },
    )
    unit_name = forms.CharField(label=_("被举报单位（如有）"), max_length=200, required=False)
    district = forms.ModelChoiceField(
        label=_("所在县区（如知道）"),
        queryset=Jurisdiction.objects.filter(level=JurisdictionLevel.DISTRICT).order_by(
            "sort_order", "code"
        ),
        required=False,
        empty_label=_("不清楚"),
    )
    is_anonymous = forms.BooleanField(
        label=_("匿名提交（不留姓名和联系方式）"), required=False, initial=True
    )
    submitter_name = forms.CharField(label=_("姓名"), max_length=64, required=False)
    submitter_contact = forms.CharField(
        label=_("联系方式（电话或邮箱）"),
        max_length=128,
        required=False,
        help_text=_("只有获授权的工作人员能看到，不会公开。"),
    )

    def clean_subject(self) -> str:
        return plain_text(self.cleaned_data["subject"])

    def clean_body(self) -> str:
        return plain_text(self.cleaned_data["body"])

    def clean_unit_name(self) -> str:
        return plain_text(self.cleaned_data["unit_name"])

    def clean_submitter_name(self) -> str:
        return plain_text(self.cleaned_data["submitter_name"])

    def clean_submitter_contact(self) -> str:
        return plain_text(self.cleaned_data["submitter_contact"])

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("is_anonymous") and not (data.get("submitter_contact") or "").strip():
            self.add_error(
                "submitter_contact",
                _("实名提交请留下联系方式，或勾选“匿名提交”。"),
            )
        return data

    def __init__(self, *args: Any, area: Jurisdiction | None = None, **kwargs: Any) -> None:
        """``area``: on a city's public site, the city (public.sites): its districts only are
        offered, and a report whose district the person does not know is the city's."""
        super().__init__(*args, **kwargs)
        self.area = area
        if area is not None:
            field = self.fields["district"]
            field.queryset = field.queryset.filter(  # type: ignore[attr-defined]
                path__startswith=area.path
            )


class TrackingCodeForm(forms.Form):
    code = forms.CharField(
        label=_("查询码"),
        max_length=32,
        help_text=_("提交时页面显示的查询码，例如 ABCD-EFGH-JKMN-PQRS。"),
    )


class AssignForm(forms.Form):
    assignee = forms.ModelChoiceField(label=_("承办人"), queryset=User.objects.none())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = submission_assignees()  # type: ignore[attr-defined]
        # Chinese names: family name first (registry_tags.person).
        self.fields["assignee"].label_from_instance = person  # type: ignore[attr-defined]


class ReplyForm(MoveForm):
    """The public reply and the status it leaves the submission (``record``) in."""

    workflow = SUBMISSION
    input_fields = {"reply": "public_reply"}

    public_reply = forms.CharField(
        label=_("答复（公开：凭查询码可见）"),
        max_length=BODY_MAX_CHARS,
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    status = forms.ChoiceField(label=_("状态"), choices=SubmissionStatus.choices)

    def clean_public_reply(self) -> str:
        return plain_text(self.cleaned_data["public_reply"])

    def move_input(self, data: dict[str, Any]) -> tuple[str, dict[str, Any]] | None:
        move = submission_move_to(self.record, data["status"]) if "status" in data else None
        if move is None:  # the service says which change cannot be made
            return None
        return move, {"reply": data.get("public_reply") or ""}


class TriageFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("状态"),
        choices=[("", _("全部状态")), *SubmissionStatus.choices],
        required=False,
    )
    mine = forms.BooleanField(label=_("只看分派给我的"), required=False)
