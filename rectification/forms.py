"""Forms of the case pages and the unit's channel. Every input passes through one of these."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.uploads import CheckedFile, evidence_check
from core.workflow_forms import MoveForm
from rectification.reply_workflow import REPLY
from rectification.workflows import CASE
from registry.validators import validate_phone

MAX_FILES = 10


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class EvidenceField(forms.FileField):
    """Several photos or PDFs, each checked by core.uploads (type by content, size cap,
    EXIF removed); cleans to a list of CheckedFile."""

    widget = MultipleFileInput(attrs={"accept": "image/jpeg,image/png,application/pdf"})

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def to_python(self, data: Any) -> Any:
        return data

    def clean(self, data: Any, initial: Any = None) -> list[CheckedFile]:
        uploads: list[UploadedFile] = [
            f for f in (data if isinstance(data, list | tuple) else [data]) if f
        ]
        if self.required and not uploads:
            raise ValidationError(self.error_messages["required"], code="required")
        if len(uploads) > MAX_FILES:
            raise ValidationError(
                _("一次最多上传 %(max)d 个文件。"), code="too_many", params={"max": MAX_FILES}
            )
        errors: list[ValidationError] = []
        checked: list[CheckedFile] = []
        for upload in uploads:
            try:
                checked.append(evidence_check(upload))
            except ValidationError as error:
                errors.append(error)
        if errors:
            raise ValidationError(errors)
        return checked


def _evidence_help() -> str:
    return str(_("JPEG、PNG 照片或 PDF，每个不超过 %(mb)d MB，一次最多 %(max)d 个。")) % {
        "mb": settings.EVIDENCE_MAX_BYTES // (1024 * 1024),
        "max": MAX_FILES,
    }


class ProgressForm(MoveForm):
    workflow = CASE

    text = forms.CharField(
        label=_("整改进展"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=4000,
        required=False,
    )
    evidence = EvidenceField(label=_("整改证据"))
    is_public = forms.BooleanField(
        label=_("向公众公开这条进展"),
        required=False,
        help_text=_("公开后，公示页面的整改时间线会显示这条进展的文字（不显示证据文件）。"),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["evidence"].help_text = _evidence_help()

    def move_input(self, data: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        return "progress", {"text": data.get("text") or "", "files": data.get("evidence")}


class ApplicationForm(MoveForm):
    """The unit's application for re-inspection, recorded by a liaison or made by the unit."""

    workflow = CASE

    text = forms.CharField(
        label=_("申请说明"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=4000,
        error_messages={"required": _("请说明已完成的整改。")},
    )
    evidence = EvidenceField(label=_("整改证据"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["evidence"].help_text = _evidence_help()


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


def _after_today(value: datetime.date) -> None:
    if value <= timezone.localdate():
        raise ValidationError(_("新的整改期限须在今天以后。"), code="past")


class ReinspectionForm(MoveForm):
    workflow = CASE
    PASSED = "passed"
    FAILED = "failed"

    result = forms.ChoiceField(
        label=_("复查结果"),
        choices=[(PASSED, _("合格")), (FAILED, _("不合格"))],
        widget=forms.RadioSelect,
        error_messages={"required": _("请选择复查结果。")},
    )
    text = forms.CharField(
        label=_("复查情况"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=4000,
        required=False,
        help_text=_("不合格时必须写明原因。"),
    )
    new_deadline = forms.DateField(
        label=_("新整改期限"),
        required=False,
        widget=DateInput(),
        validators=[_after_today],
        help_text=_("不合格时必须填写。"),
    )
    evidence = EvidenceField(label=_("复查证据"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["evidence"].help_text = _evidence_help()

    def move_input(self, data: dict[str, Any]) -> tuple[str, dict[str, Any]] | None:
        # Only a failed re-inspection asks for input: the reason and the new deadline.
        if data.get("result") != self.FAILED:
            return None
        return "fail", {"text": data.get("text") or "", "new_deadline": data.get("new_deadline")}


class ExtensionForm(MoveForm):
    workflow = CASE
    input_fields = {"text": "reason"}

    new_deadline = forms.DateField(
        label=_("新整改期限"),
        widget=DateInput(),
        validators=[_after_today],
        error_messages={"invalid": _("请按年-月-日填写日期。")},
    )
    reason = forms.CharField(
        label=_("延期理由"), widget=forms.Textarea(attrs={"rows": 3}), max_length=4000
    )

    def move_input(self, data: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        return "extend", {
            "text": data.get("reason") or "",
            "new_deadline": data.get("new_deadline"),
        }


class SupervisionForm(MoveForm):
    workflow = CASE

    text = forms.CharField(
        label=_("督查情况"), widget=forms.Textarea(attrs={"rows": 4}), max_length=4000
    )

    def move_input(self, data: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        return "supervise", {"text": data.get("text") or ""}


class ContactForm(MoveForm):
    """The responsible person's name and contact on a case (the reminders' address)."""

    workflow = CASE

    responsible_person = forms.CharField(
        label=_("责任人"), max_length=64, error_messages={"required": _("请填写责任人姓名。")}
    )
    responsible_phone = forms.CharField(
        label=_("责任人电话"), max_length=32, required=False, validators=[validate_phone]
    )
    responsible_email = forms.EmailField(
        label=_("责任人邮箱"),
        required=False,
        help_text=_("到期前和逾期提醒会发往此邮箱。"),
    )


class AccessCodeForm(forms.Form):
    code = forms.CharField(
        label=_("单位访问码"),
        max_length=64,
        help_text=_("见整改通知书，24 位字母和数字，可带或不带短横线。"),
        error_messages={"required": _("请输入整改通知书上的访问码。")},
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}
        ),
    )


class QueueForm(forms.Form):
    queue = forms.ChoiceField(label=_("队列"), required=False)

    def __init__(self, *args: Any, choices: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["queue"]
        assert isinstance(field, forms.ChoiceField)  # noqa: S101 - narrows the type for mypy
        field.choices = choices


class AttachmentField(forms.FileField):
    """One optional photo or PDF, checked by core.uploads; cleans to a CheckedFile or None."""

    widget = forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,application/pdf"})

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def clean(self, data: Any, initial: Any = None) -> CheckedFile | None:
        upload = super().clean(data, initial)
        if not upload:
            return None
        return evidence_check(upload)


class ReplyForm(MoveForm):
    """The unit's public reply to its entry, in its own words."""

    workflow = REPLY

    text = forms.CharField(
        label=_("回应内容"),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=2000,
        help_text=_(
            "经工作人员审核后，将以“单位回应”的名义显示在公示页面上。请勿填写身份证号、"
            "电话等个人信息。"
        ),
    )
    attachment = AttachmentField(label=_("附件（可选）"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["attachment"].help_text = _(
            "一个 JPEG、PNG 照片或 PDF，不超过 %(mb)d MB；仅工作人员可见，不公开。"
        ) % {"mb": settings.EVIDENCE_MAX_BYTES // (1024 * 1024)}

    def move_input(self, data: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        return "submit", {"text": data.get("text") or ""}


class ReplyModerationForm(MoveForm):
    """A member of staff's decision on a unit's reply: publish (with the personal data taken
    out, where needed) or refuse with a reason the unit reads."""

    workflow = REPLY

    PUBLISH = "publish"
    REFUSE = "refuse"

    decision = forms.ChoiceField(
        label=_("审核决定"),
        choices=[(PUBLISH, _("公开")), (REFUSE, _("不予公开"))],
        widget=forms.RadioSelect,
        error_messages={"required": _("请选择公开或不予公开。")},
    )
    published_text = forms.CharField(
        label=_("公开的文本"),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=2000,
        required=False,
        help_text=_("可删去个人信息（姓名、电话、身份证号等）；留空则按单位原文公开。"),
    )
    # Offered when the reply looks to hold personal data (the view decides); the service
    # asks for it again on the text to publish.
    personal_data_confirmed = forms.BooleanField(
        label=_("我确认公开的文本可以包含上面列出的个人信息"),
        required=False,
    )
    reason = forms.CharField(
        label=_("不予公开的理由"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        required=False,
        help_text=_("不予公开时必须填写，单位会看到。"),
    )

    def __init__(self, *args: Any, ask_confirmation: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not ask_confirmation:
            del self.fields["personal_data_confirmed"]

    def move_input(self, data: dict[str, Any]) -> tuple[str, dict[str, Any]] | None:
        # Publishing is asked of the text as published, personal data and all, by the
        # service (the page offers the confirmation); refusing needs its reason here.
        if data.get("decision") != self.REFUSE:
            return None
        return "refuse", {"reason": data.get("reason") or ""}
