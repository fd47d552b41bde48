"""Forms of the publication workflow's staff pages. They check input; the services decide."""

from __future__ import annotations

import copy
import datetime
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.workflow_forms import MoveForm
from publicity.enums import ErratumKind
from publicity.models import Batch, Entry
from publicity.workflows import BATCH, ENTRY, ERRATUM, OBJECTION
from registry.authorities import authority_rules, deployment_authority
from registry.enums import Disposition, ExposureCategory
from registry.forms import PrintedTextField
from registry.models import Department
from registry.validators import normalize_phone

# The responsible person's contact: kept with the entry, never printed.
CONTACT_FIELDS = ("responsible_phone", "responsible_email")


class DateInput(forms.DateInput):
    """A native date picker; its value must be ISO whatever the page's language."""

    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%d")


class EntryForm(forms.ModelForm):
    """The printed text and follow-up of one entry; every printed field is required. The
    responsible person's phone and e-mail are not printed: optional, for the reminders."""

    class Meta:
        model = Entry
        fields = [
            "unit_name",
            "address",
            "violation_text",
            "category",
            "disposition",
            "rectification_deadline",
            "department",
            "responsible_person",
            "responsible_phone",
            "responsible_email",
        ]
        widgets = {
            "rectification_deadline": DateInput(),
        }

    violation_text = PrintedTextField(
        label=Entry._meta.get_field("violation_text").verbose_name,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # Validation writes the cleaned values on the form's instance (ModelForm._post_clean):
        # bound to a copy, the entry the page shows stays as stored until the service saves.
        if kwargs.get("instance") is not None:
            kwargs["instance"] = copy.copy(kwargs["instance"])
        super().__init__(*args, **kwargs)
        department = self.fields["department"]
        assert isinstance(department, forms.ModelChoiceField)  # noqa: S101 - narrows the type
        department.queryset = Department.objects.select_related("jurisdiction").order_by(
            "jurisdiction__path", "sort_order", "name"
        )
        for name, field in self.fields.items():
            field.required = name not in CONTACT_FIELDS
        self.fields["responsible_person"].help_text = _("跟踪整改责任单位的责任人姓名。")
        self.fields["responsible_phone"].help_text = _(
            "不刊登。公示后随整改跟踪转入，供跟踪整改时电话联系责任人；可不填。"
        )
        self.fields["responsible_email"].help_text = _(
            "不刊登。公示后随整改跟踪转入，整改提醒会发往此邮箱；可不填。"
        )

    def clean_responsible_phone(self) -> str:
        return normalize_phone(self.cleaned_data["responsible_phone"])


class FindingPickForm(forms.Form):
    """The findings ticked in the composer's pool."""

    findings = forms.MultipleChoiceField(
        label=_("检查发现"),
        error_messages={"required": _("请至少勾选一项检查发现。")},
    )

    def __init__(self, *args: Any, choices: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        findings = self.fields["findings"]
        assert isinstance(findings, forms.MultipleChoiceField)  # noqa: S101 - narrows the type
        findings.choices = choices


class CommentForm(MoveForm):
    workflow = BATCH

    comment = forms.CharField(
        label=_("意见"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class ReturnForm(MoveForm):
    workflow = BATCH
    input_fields = {"comment": "reason"}

    reason = forms.CharField(label=_("退回理由"), widget=forms.Textarea(attrs={"rows": 3}))

    def move_input(self, data: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        return "return", {"comment": data.get("reason") or ""}


class PublishForm(MoveForm):
    workflow = BATCH

    published_on = forms.DateField(
        label=_("公示日期（报纸刊登日）"),
        widget=DateInput(),
        error_messages={"invalid": _("请填写有效的日期。")},
    )
    outlet = forms.CharField(label=_("刊登媒体"), max_length=128)

    def __init__(self, *args: Any, record: Batch | None = None, **kwargs: Any) -> None:
        # The batch's authority's first newspaper (the settings' default:
        # NOTICE_DEFAULT_OUTLET).
        authority = authority_rules(record.authority_id) if record else deployment_authority()
        newspapers = authority.newspapers
        kwargs.setdefault(
            "initial",
            {"published_on": timezone.localdate(), "outlet": newspapers[0] if newspapers else ""},
        )
        super().__init__(*args, record=record, **kwargs)

    def move_input(self, data: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        return "publish", {
            "published_on": data.get("published_on"),
            "outlet": data.get("outlet") or "",
        }


class ObjectionForm(MoveForm):
    """A unit's objection to its planned entry (``record``), the OBJECTION table's "record"."""

    workflow = OBJECTION

    received_on = forms.DateField(
        label=_("收到日期"),
        widget=DateInput(),
        error_messages={"invalid": _("请填写有效的日期。")},
    )
    statement = forms.CharField(label=_("异议理由"), widget=forms.Textarea(attrs={"rows": 4}))
    evidence = forms.FileField(
        label=_("证据材料"),
        required=False,
        help_text=_("照片（JPEG、PNG）或 PDF 文件。"),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"received_on": timezone.localdate()})
        super().__init__(*args, **kwargs)

    def move_input(self, data: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        return "record", {
            "received_on": data.get("received_on"),
            "statement": data.get("statement") or "",
        }


class ObjectionDecisionForm(MoveForm):
    workflow = OBJECTION

    decision = forms.TypedChoiceField(
        label=_("决定"),
        choices=[("rejected", _("异议不成立：保留在批次中")), ("upheld", _("异议成立：撤出批次"))],
        widget=forms.RadioSelect,
        error_messages={"required": _("请选择决定。")},
    )
    reasons = forms.CharField(label=_("决定理由"), widget=forms.Textarea(attrs={"rows": 4}))

    def move_input(self, data: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        # Both decisions ask for the reasons, so a form without a decision still asks.
        move = "uphold" if data.get("decision") == "upheld" else "reject"
        return move, {"reasons": data.get("reasons") or ""}


class ErratumForm(MoveForm):
    """A correction or withdrawal of one listed entry (``record``), the ERRATUM table's
    "create"."""

    workflow = ERRATUM

    kind = forms.ChoiceField(
        label=_("类型"),
        choices=ErratumKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("请选择更正还是撤回。")},
    )
    reason = forms.CharField(
        label=_("理由"),
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("请填写理由。")},
    )
    unit_name = forms.CharField(label=_("更正后的单位名称"), required=False, max_length=200)
    address = forms.CharField(label=_("更正后的地址"), required=False, max_length=255)
    violation_text = PrintedTextField(label=_("更正后的违法违规行为及事故隐患"), required=False)
    category = forms.ChoiceField(
        label=_("更正后的曝光类别"),
        required=False,
        choices=[("", "—"), *ExposureCategory.choices],
    )
    disposition = forms.ChoiceField(
        label=_("更正后的处理措施"), required=False, choices=[("", "—"), *Disposition.choices]
    )
    responsible_person = forms.CharField(label=_("更正后的责任人"), required=False, max_length=64)

    CORRECTABLE = [
        "unit_name",
        "address",
        "violation_text",
        "category",
        "disposition",
        "responsible_person",
    ]

    def move_input(self, data: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        corrections = {
            name: value for name in self.CORRECTABLE if (value := (data.get(name) or "").strip())
        }
        return "create", {
            "kind": data.get("kind"),
            "reason": data.get("reason") or "",
            "corrections": corrections,
        }

    def corrections(self) -> dict[str, str]:
        return {name: self.cleaned_data.get(name) or "" for name in self.CORRECTABLE}


class MediaReportForm(forms.Form):
    outlet = forms.CharField(
        label=_("媒体"), max_length=128, error_messages={"required": _("请填写媒体名称。")}
    )
    date = forms.DateField(
        label=_("日期"),
        widget=DateInput(),
        error_messages={"required": _("请填写日期。"), "invalid": _("请填写有效的日期。")},
    )
    headline = forms.CharField(
        label=_("标题"), max_length=255, error_messages={"required": _("请填写标题。")}
    )
    url = forms.URLField(
        assume_scheme="https",
        label=_("链接"),
        required=False,
        max_length=500,
        error_messages={"invalid": _("请填写完整的网址，例如 https://…")},
    )
    entries = forms.ModelMultipleChoiceField(
        label=_("涉及的单位"),
        queryset=Entry.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, batch_entries: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        entries = self.fields["entries"]
        assert isinstance(entries, forms.ModelMultipleChoiceField)  # noqa: S101 - narrows
        entries.queryset = batch_entries
        entries.label_from_instance = lambda e: f"{e.position}. {e.unit_name}"  # type: ignore[assignment]

    def clean_date(self) -> datetime.date:
        date: datetime.date = self.cleaned_data["date"]
        if date > timezone.localdate():
            raise forms.ValidationError(_("日期不能晚于今天。"))
        return date


class EarlyRemovalForm(MoveForm):
    """An official's early removal of an entry from the public list (publicity/term.py)."""

    workflow = ENTRY

    reason = forms.CharField(
        label=_("提前移出的理由"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("将显示在公开的移出记录中。"),
    )

    def move_input(self, data: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        return "remove_early", {"reason": data.get("reason") or ""}
