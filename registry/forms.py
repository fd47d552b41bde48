"""Forms of the staff area. They clean and check what people type; the services write."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from core.pdf import PRINTED_TEXT_MAX_LENGTH
from core.uploads import CheckedFile, evidence_check
from registry.data import (
    AccidentData,
    EnterpriseData,
    InspectionData,
    finding_deadline_problem,
)
from registry.enums import CampaignBasis, InspectionKind, LicenceStatus, OperatingStatus
from registry.models import Accident, Enterprise, Finding, Industry, Jurisdiction
from registry.permissions import inspection_place_problem
from registry.search import normalise_spaces
from registry.selectors import (
    enterprise_by_code_for,
    enterprises_with_similar_name,
    inspectors_for,
    jurisdictions_for,
    legal_provisions,
)
from registry.validators import validate_credit_code

_WHITESPACE = re.compile(r"\s+")


def normalise_credit_code(value: str) -> str:
    """Upper case, without spaces anywhere (codes are often copied with spaces in groups)."""
    return _WHITESPACE.sub("", value).upper()


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


class PrintedTextField(forms.CharField):
    """The text of the newspaper notice's "违法违规行为及事故隐患" cell, as an inspector writes
    a finding's description or staff an entry's: at most PRINTED_TEXT_MAX_LENGTH characters
    (core.pdf says why), which the page shows under the field and its browser enforces."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", PRINTED_TEXT_MAX_LENGTH)
        kwargs.setdefault(
            "widget",
            forms.Textarea(
                attrs={
                    "rows": 3,
                    # The page's script shows, as the inspector writes, how much of the
                    # cell is used: this sentence with the two numbers filled in.
                    "data-char-count": _("已写 %(count)s 字，最多 %(limit)s 字"),
                }
            ),
        )
        kwargs.setdefault(
            "help_text",
            format_lazy(
                _("最多{limit}字：报纸公告中这一格的篇幅，整行须印在同一页上。"),
                limit=PRINTED_TEXT_MAX_LENGTH,
            ),
        )
        kwargs.setdefault("error_messages", {})
        kwargs["error_messages"].setdefault(
            "max_length",
            _("报纸公告中这一格最多印%(limit_value)d字，现有%(show_value)d字，请精简。"),
        )
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> str | None:
        # A browser counts a line break as one character against maxlength but sends it as
        # two (CR LF): counted here as the browser counts it, and stored as the notice prints.
        text = super().to_python(value)
        return text.replace("\r\n", "\n") if text else text


class JurisdictionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Jurisdiction) -> str:
        if obj.parent is not None and obj.level == "township":
            return f"{obj.parent.display_name} · {obj.display_name}"
        return obj.display_name


# --- Enterprises ---------------------------------------------------------------------------


class EnterpriseForm(forms.Form):
    name = forms.CharField(label=_("单位名称"), max_length=200)
    credit_code = forms.CharField(
        label=_("统一社会信用代码"),
        max_length=40,
        required=False,
        help_text=_("18位，可含空格，字母不区分大小写。无证照的单位可以不填。"),
    )
    legal_representative = forms.CharField(label=_("法定代表人"), max_length=64, required=False)
    address = forms.CharField(label=_("地址"), max_length=255)
    jurisdiction = JurisdictionChoiceField(
        label=_("所在区划"), queryset=Jurisdiction.objects.none(), empty_label=_("请选择")
    )
    industry = forms.ModelChoiceField(
        label=_("行业"), queryset=Industry.objects.all(), empty_label=_("请选择")
    )
    licence_status = forms.ChoiceField(label=_("证照状态"), choices=LicenceStatus.choices)
    operating_status = forms.ChoiceField(label=_("经营状态"), choices=OperatingStatus.choices)
    confirm_similar = forms.BooleanField(
        label=_("我已核对，这是另一家单位，仍然保存"), required=False
    )

    def __init__(self, *args: Any, user: User, instance: Enterprise | None = None, **kwargs: Any):
        if instance is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "name": instance.name,
                "credit_code": instance.credit_code or "",
                "legal_representative": instance.legal_representative,
                "address": instance.address,
                "jurisdiction": instance.jurisdiction_id,
                "industry": instance.industry_id,
                "licence_status": instance.licence_status,
                "operating_status": instance.operating_status,
            }
        super().__init__(*args, **kwargs)
        self.user = user
        self.instance = instance
        self.similar: list[Enterprise] = []
        # The unit already registered under the code typed, anywhere in the province: the
        # page offers to record an inspection of it instead.
        self.duplicate_of: Enterprise | None = None
        self.fields["jurisdiction"].queryset = jurisdictions_for(user)  # type: ignore[attr-defined]

    def clean_name(self) -> str:
        return normalise_spaces(self.cleaned_data["name"])

    def clean_credit_code(self) -> str | None:
        code = normalise_credit_code(self.cleaned_data["credit_code"])
        if not code:
            return None
        validate_credit_code(code)
        return code

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        code = cleaned.get("credit_code")
        if code:
            clash = Enterprise.objects.filter(credit_code=code)
            if self.instance is not None:
                clash = clash.exclude(pk=self.instance.pk)
            other = clash.select_related("jurisdiction").first()
            if other is not None:
                self.add_error(
                    "credit_code",
                    ValidationError(
                        _("该统一社会信用代码已登记为“%(name)s”（%(place)s），不能重复登记。"),
                        code="duplicate_code",
                        params={"name": other.name, "place": other.jurisdiction.display_name},
                    ),
                )
                self.duplicate_of = other
        name, jurisdiction = cleaned.get("name"), cleaned.get("jurisdiction")
        if name and jurisdiction and not self.errors:
            self.similar = enterprises_with_similar_name(
                name=name,
                jurisdiction=jurisdiction,
                exclude_pk=self.instance.pk if self.instance else None,
            )
            if self.similar and not cleaned.get("confirm_similar"):
                self.add_error(
                    "confirm_similar",
                    ValidationError(
                        _(
                            "同一县区已有名称几乎相同的单位，请核对是否同一家；确属另一家单位，请勾选下面的确认后再保存。"
                        ),
                        code="similar_name",
                    ),
                )
        return cleaned

    def to_data(self) -> EnterpriseData:
        data = self.cleaned_data
        return EnterpriseData(
            name=data["name"],
            credit_code=data["credit_code"],
            legal_representative=data["legal_representative"].strip(),
            address=data["address"].strip(),
            jurisdiction=data["jurisdiction"],
            industry=data["industry"],
            licence_status=data["licence_status"],
            operating_status=data["operating_status"],
        )


class EnterpriseImportForm(forms.Form):
    file = forms.FileField(
        label=_("导入文件"),
        help_text=_("CSV（UTF-8）或 Excel（.xlsx）文件，列与模板相同。"),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
    )

    def clean_file(self) -> UploadedFile:
        upload: UploadedFile = self.cleaned_data["file"]
        name = (upload.name or "").lower()
        if not (name.endswith(".csv") or name.endswith(".xlsx")):
            raise ValidationError(_("请上传 .csv 或 .xlsx 文件。"), code="bad_type")
        if upload.size is not None and upload.size > settings.ENTERPRISE_IMPORT_MAX_BYTES:
            raise ValidationError(
                _("文件超过大小上限 %(limit)d MB，请分成几个文件导入。"),
                code="too_large",
                params={"limit": settings.ENTERPRISE_IMPORT_MAX_BYTES // (1024 * 1024)},
            )
        return upload


# --- Inspections and findings ------------------------------------------------------------------


class CreditCodeLookupForm(forms.Form):
    """The unit to inspect, by its credit code, in the province's register."""

    code = forms.CharField(
        label=_("统一社会信用代码"),
        max_length=40,
        help_text=_("在全省单位名录中按统一社会信用代码查找要检查的单位，无需重复登记。"),
    )

    def clean_code(self) -> str:
        code = normalise_credit_code(self.cleaned_data["code"])
        validate_credit_code(code)
        return code


class InspectorChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: User) -> str:
        full = f"{obj.last_name}{obj.first_name}".strip()
        return f"{full}（{obj.username}）" if full else obj.username


class InspectionForm(forms.Form):
    date = forms.DateField(label=_("检查日期"), widget=DateInput())
    place = JurisdictionChoiceField(
        label=_("检查地点"),
        queryset=Jurisdiction.objects.none(),
        # Left empty: where the unit is registered (a new inspection), or where it was
        # recorded (an edit), as the service takes it.
        required=False,
        empty_label=_("单位登记地"),
        help_text=_("默认为单位的登记地；在本辖区其他县区检查该单位的场所时请改选。"),
        error_messages={"invalid_choice": _("请选择您辖区内的县区或乡镇街道作为检查地点。")},
    )
    inspectors = InspectorChoiceField(
        label=_("执法人员"),
        queryset=User.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("请至少选择一名执法人员。")},
    )
    kind = forms.ChoiceField(
        label=_("检查类型"), choices=InspectionKind.choices, widget=forms.RadioSelect
    )
    campaign_basis = forms.ChoiceField(
        label=_("专项依据"),
        choices=[("", _("（日常检查不填）")), *CampaignBasis.choices],
        required=False,
    )
    campaign = forms.CharField(label=_("专项行动名称"), max_length=128, required=False)
    notes = forms.CharField(
        label=_("备注"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["inspectors"].queryset = inspectors_for(user)  # type: ignore[attr-defined]
        # The places of the inspector's own area: a place outside it is no choice at all.
        self.fields["place"].queryset = jurisdictions_for(user)  # type: ignore[attr-defined]

    def clean_place(self) -> Jurisdiction | None:
        place: Jurisdiction | None = self.cleaned_data["place"]
        if place is None:
            return None
        problem = inspection_place_problem(place=place, actor=self.user)
        if problem is not None:
            raise ValidationError(problem, code="place")
        return place

    def clean_date(self) -> Any:
        date = self.cleaned_data["date"]
        if date > timezone.localdate():
            raise ValidationError(_("检查日期不能晚于今天。"), code="future")
        return date

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        kind, basis = cleaned.get("kind"), cleaned.get("campaign_basis")
        if kind == InspectionKind.SPECIAL_CAMPAIGN and not basis:
            self.add_error("campaign_basis", _("专项检查请选择专项依据。"))
        if kind == InspectionKind.ROUTINE and basis:
            self.add_error("campaign_basis", _("日常检查不填专项依据。"))
        return cleaned

    def to_data(self) -> InspectionData:
        data = self.cleaned_data
        return InspectionData(
            date=data["date"],
            inspectors=list(data["inspectors"]),
            kind=data["kind"],
            campaign_basis=data["campaign_basis"] or "",
            campaign=data["campaign"].strip(),
            notes=data["notes"].strip(),
            place=data["place"],
        )


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input (Django's documented recipe)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def has_changed(self, initial: Any, data: Any) -> bool:
        # An empty file input posts an empty list; only chosen files are a change.
        return bool(data)

    def clean(self, data: Any, initial: Any = None) -> Any:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data if item]
        return [single(data, initial)] if data else []


class ProvisionChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"《{obj.act}》{obj.article}"


class FindingForm(forms.Form):
    """One finding of an inspection (a form of the findings formset)."""

    finding_id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    category = forms.ChoiceField(
        label=_("曝光种类"),
        choices=[("", _("请选择")), *Finding._meta.get_field("category").choices],  # type: ignore[misc]
    )
    description = PrintedTextField(label=_("违法违规行为及事故隐患"))
    provisions = ProvisionChoiceField(
        label=_("违反的法律依据"),
        queryset=legal_provisions(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    is_major_hazard = forms.BooleanField(label=_("重大事故隐患"), required=False)
    proposed_disposition = forms.ChoiceField(
        label=_("拟处理措施"),
        choices=[("", _("请选择")), *Finding._meta.get_field("proposed_disposition").choices],  # type: ignore[misc]
    )
    proposed_deadline = forms.DateField(
        label=_("拟整改期限"),
        required=False,
        widget=DateInput(),
        help_text=_("不填则按处理措施的默认期限计算。"),
    )
    proposed_for_publicity = forms.BooleanField(label=_("建议公示曝光"), required=False)
    evidence = MultipleFileField(
        label=_("证据材料（照片或 PDF）"),
        required=False,
        widget=MultipleFileInput(attrs={"accept": "image/jpeg,image/png,application/pdf"}),
    )
    keep = forms.CharField(required=False, widget=forms.MultipleHiddenInput)
    remove = forms.CharField(required=False, widget=forms.MultipleHiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.checked_files: list[CheckedFile] = []
        # Staged uploads shown as attached; the view fills this in.
        self.attached: list[Any] = []
        self.existing_evidence: list[Any] = []

    def _ids(self, name: str) -> list[int]:
        if not self.is_bound:
            return []
        getlist = getattr(self.data, "getlist", None)
        values = getlist(self.add_prefix(name)) if getlist else []
        return [int(v) for v in values if str(v).isdigit()]

    def kept_ids(self) -> list[int]:
        removed = set(self._ids("remove"))
        return [pk for pk in self._ids("keep") if pk not in removed]

    def removed_ids(self) -> list[int]:
        return self._ids("remove")

    def has_changed(self) -> bool:
        # A form holding only staged files is still a finding the person started.
        return super().has_changed() or bool(self.kept_ids())

    def clean_evidence(self) -> None:
        uploads = self.cleaned_data.get("evidence") or []
        problems: list[ValidationError] = []
        for upload in uploads:
            try:
                self.checked_files.append(evidence_check(upload))
            except ValidationError as error:
                problems.append(error)
        if problems:
            raise ValidationError(problems)

    def clean_description(self) -> str:
        return self.cleaned_data["description"].strip()


class BaseFindingFormSet(forms.BaseFormSet):
    def __init__(self, *args: Any, inspection_date: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.inspection_date = inspection_date

    @cached_property
    def _provision_choices(self) -> list[Any]:
        # Every finding form offers the same legal provisions: read them once for the page,
        # not once a form. (Checking the ticked ones on a POST still asks the database.)
        return list(self.form.base_fields["provisions"].choices)

    def add_fields(self, form: forms.Form, index: int | None) -> None:
        super().add_fields(form, index)
        form.fields["provisions"].choices = self._provision_choices  # type: ignore[attr-defined]

    def _inspection_date(self) -> Any:
        """The inspection's date: given, or as posted with the findings on the same page."""
        if self.inspection_date is not None:
            return self.inspection_date
        try:
            return InspectionForm.base_fields["date"].clean(self.data.get("date"))
        except ValidationError:  # the inspection form reports it
            return None

    def clean(self) -> None:
        inspected_on = self._inspection_date()
        if inspected_on is not None:
            for form in self.forms:
                deadline = getattr(form, "cleaned_data", {}).get("proposed_deadline")
                problem = finding_deadline_problem(deadline=deadline, inspected_on=inspected_on)
                if problem:
                    form.add_error("proposed_deadline", ValidationError(problem, code="early"))
        if any(self.errors):
            return
        filled = [form for form in self.forms if form.has_changed()]
        if not filled:
            raise ValidationError(_("请至少填写一项检查发现。"), code="no_findings")


FindingFormSet = forms.formset_factory(
    FindingForm, formset=BaseFindingFormSet, extra=1, min_num=1, max_num=30, validate_max=True
)


# --- Accidents -----------------------------------------------------------------------------


class AccidentForm(forms.Form):
    date = forms.DateField(label=_("发生日期"), widget=DateInput())
    jurisdiction = JurisdictionChoiceField(
        label=_("县区"), queryset=Jurisdiction.objects.none(), empty_label=_("请选择")
    )
    enterprise_code = forms.CharField(
        label=_("单位统一社会信用代码（如已知）"), max_length=40, required=False
    )
    kind = forms.ChoiceField(
        label=_("事故类型"),
        choices=[("", _("请选择")), *Accident._meta.get_field("kind").choices],  # type: ignore[misc]
    )
    # Bounded well below the column's limit: a typo of twenty digits is a form error, not a 500.
    deaths = forms.IntegerField(label=_("死亡人数"), min_value=0, max_value=100_000, initial=0)
    injuries = forms.IntegerField(label=_("受伤人数"), min_value=0, max_value=100_000, initial=0)
    direct_loss = forms.DecimalField(
        label=_("直接经济损失（元）"), min_value=0, max_digits=14, decimal_places=2, initial=0
    )
    description = forms.CharField(
        label=_("简要经过"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(self, *args: Any, user: User, instance: Accident | None = None, **kwargs: Any):
        if instance is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "date": instance.date,
                "jurisdiction": instance.jurisdiction_id,
                "enterprise_code": instance.enterprise.credit_code if instance.enterprise else "",
                "kind": instance.kind,
                "deaths": instance.deaths,
                "injuries": instance.injuries,
                "direct_loss": instance.direct_loss,
                "description": instance.description,
            }
        super().__init__(*args, **kwargs)
        self.user = user
        self.instance = instance
        self.enterprise: Enterprise | None = instance.enterprise if instance else None
        self.fields["jurisdiction"].queryset = jurisdictions_for(user).filter(  # type: ignore[attr-defined]
            level="district"
        )

    def clean_date(self) -> Any:
        date = self.cleaned_data["date"]
        if date > timezone.localdate():
            raise ValidationError(_("事故发生日期不能晚于今天。"), code="future")
        return date

    def clean_enterprise_code(self) -> str:
        code = normalise_credit_code(self.cleaned_data["enterprise_code"])
        self.enterprise = None
        if code:
            self.enterprise = enterprise_by_code_for(user=self.user, code=code)
            if self.enterprise is None:
                raise ValidationError(
                    _("在您的辖区内没有找到统一社会信用代码为 %(code)s 的单位；单位不明可以不填。"),
                    code="unknown_enterprise",
                    params={"code": code},
                )
        return code

    def to_data(self) -> AccidentData:
        data = self.cleaned_data
        return AccidentData(
            date=data["date"],
            jurisdiction=data["jurisdiction"],
            enterprise=self.enterprise,
            kind=data["kind"],
            deaths=data["deaths"],
            injuries=data["injuries"],
            direct_loss=data["direct_loss"],
            description=data["description"].strip(),
        )
