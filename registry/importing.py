"""Bulk import of enterprises from CSV or XLSX: read, check every row, then apply all or none.

The person uploads a file (``enterprise_import_start``); a job checks every row
(``enterprise_import_check``) and keeps the cleaned rows and the problems in plain words (row,
column, what is wrong) on the EnterpriseImport; nothing reaches Enterprise until the person
confirms a preview without errors (``enterprise_import_confirm``), and then one transaction
writes every row or none (``enterprise_import_apply``). A row whose credit code is already
registered updates that unit (and a row without a code updates the unit of the same name in
the same place), so importing the same file twice creates nothing twice. Progress is kept in
the cache for the page to poll.
"""

from __future__ import annotations

import csv
import io
import logging
from collections.abc import Callable, Iterator
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.jobs import job_send_on_commit
from core.workflow import SYSTEM_ACTOR
from registry.enums import JurisdictionLevel, LicenceStatus, OperatingStatus
from registry.models import Enterprise, EnterpriseImport, Industry, Jurisdiction
from registry.permissions import in_user_scope
from registry.search import normalise_spaces
from registry.services import (
    EnterpriseData,
    RegistryError,
    enterprise_create,
    enterprise_update,
    history_record,
)
from registry.validators import validate_credit_code
from registry.workflows import IMPORT

logger = logging.getLogger(__name__)

# The template's columns, in order: (key, header). Headers are the Chinese field names the
# bureau's clerks know; the same headers are expected back.
COLUMNS: list[tuple[str, str]] = [
    ("name", "单位名称"),
    ("credit_code", "统一社会信用代码"),
    ("legal_representative", "法定代表人"),
    ("address", "地址"),
    ("jurisdiction", "所在区划"),
    ("industry", "行业"),
    ("licence_status", "证照状态"),
    ("operating_status", "经营状态"),
]
REQUIRED = {"name", "address", "jurisdiction", "industry"}
HEADER_TO_KEY = {header: key for key, header in COLUMNS}
HEADER_OF = dict(COLUMNS)
EXAMPLE_ROW = [
    "惠州市示例五金制品有限公司",
    "91441302MA0000001X",
    "张三",
    "惠州市惠城区江北街道示例路1号",
    "江北街道",
    "",
    "证照齐全",
    "在营",
]
PROGRESS_EVERY = 50


def progress_key(import_id: int) -> str:
    return f"registry:enterprise-import:{import_id}:progress"


def progress_set(import_id: int, *, phase: str, done: int, total: int) -> None:
    cache.set(progress_key(import_id), {"phase": phase, "done": done, "total": total}, 3600)


def progress_get(import_id: int) -> dict[str, Any] | None:
    return cache.get(progress_key(import_id))


# --- Reading files -------------------------------------------------------------------------


class FileUnreadable(Exception):
    pass


def read_rows(name: str, content: bytes) -> Iterator[list[str]]:
    """The rows of a CSV (UTF-8, with or without BOM; GB18030 as exported by older Excel) or
    XLSX file, each as a list of strings."""
    if name.lower().endswith(".xlsx"):
        yield from _xlsx_rows(content)
        return
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = content.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise FileUnreadable(
            _("文件不是 UTF-8 或 GB18030 编码的 CSV，请另存为“CSV UTF-8”后再上传。")
        )
    for row in csv.reader(io.StringIO(text)):
        yield [cell.strip() for cell in row]


def _xlsx_rows(content: bytes) -> Iterator[list[str]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as error:  # noqa: BLE001 - openpyxl raises many kinds for a bad file
        raise FileUnreadable(_("无法读取这个 Excel 文件，请确认它是 .xlsx 格式。")) from error
    sheet = workbook.worksheets[0]
    for values in sheet.iter_rows(values_only=True):
        yield ["" if value is None else str(value).strip() for value in values]
    workbook.close()


def template_csv() -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([header for _key, header in COLUMNS])
    writer.writerow(EXAMPLE_ROW)
    # UTF-8 with BOM so Excel opens the Chinese headers correctly.
    return out.getvalue().encode("utf-8-sig")


def template_xlsx() -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None  # noqa: S101 - a new workbook always has its first sheet
    sheet.title = "生产经营单位"
    sheet.append([header for _key, header in COLUMNS])
    sheet.append(EXAMPLE_ROW)
    for letter, width in zip("ABCDEFGH", (32, 22, 12, 40, 14, 14, 10, 10), strict=True):
        sheet.column_dimensions[letter].width = width
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


# --- Checking rows -------------------------------------------------------------------------


class _Lookups:
    """Reference data by every name a clerk may type, loaded once per file."""

    def __init__(self) -> None:
        self.jurisdictions: dict[str, Jurisdiction | None] = {}
        for place in Jurisdiction.objects.exclude(level=JurisdictionLevel.CITY).select_related(
            "parent"
        ):
            self.jurisdictions[place.code] = place
            # A township name may repeat across districts: then it must be given with its
            # district ("惠城区江北街道") or by code.
            for label in {place.name, f"{place.parent.name}{place.name}" if place.parent else ""}:
                if not label:
                    continue
                self.jurisdictions[label] = None if label in self.jurisdictions else place
        self.industries: dict[str, Industry] = {}
        for industry in Industry.objects.all():
            self.industries[industry.name] = industry
            self.industries[industry.code] = industry
        self.licence = _choice_map(LicenceStatus.choices)
        self.operating = _choice_map(OperatingStatus.choices)


def _choice_map(choices: list[tuple[str, Any]]) -> dict[str, str]:
    mapping: dict[str, str] = {}
    for value, label in choices:
        mapping[value] = value
        mapping[str(label)] = value
    return mapping


def _check_row(
    number: int, cells: dict[str, str], lookups: _Lookups, user: User
) -> tuple[dict[str, Any] | None, list[dict[str, Any]]]:
    errors: list[dict[str, Any]] = []

    def problem(key: str, message: str) -> None:
        errors.append({"row": number, "column": HEADER_OF[key], "message": message})

    for key in REQUIRED:
        if not cells.get(key):
            problem(key, _("不能为空。"))
    name = normalise_spaces(cells.get("name", ""))
    if len(name) > 200:
        problem("name", _("太长了：最多200个字，现有%(n)d个。") % {"n": len(name)})
    if len(cells.get("address", "")) > 255:
        problem("address", _("太长了：最多255个字。"))
    if len(cells.get("legal_representative", "")) > 64:
        problem("legal_representative", _("太长了：最多64个字。"))
    code = "".join(cells.get("credit_code", "").split()).upper() or None
    if code:
        try:
            validate_credit_code(code)
        except ValidationError as error:
            problem("credit_code", " ".join(error.messages))
    place = None
    if cells.get("jurisdiction"):
        key = cells["jurisdiction"]
        if key not in lookups.jurisdictions:
            problem(
                "jurisdiction",
                _("没有叫“%(v)s”的区划，请填写县区或乡镇街道的名称或代码。") % {"v": key},
            )
        elif lookups.jurisdictions[key] is None:
            problem(
                "jurisdiction",
                _("“%(v)s”有重名，请在前面加上县区名，或填写区划代码。") % {"v": key},
            )
        else:
            place = lookups.jurisdictions[key]
            if place is not None and not in_user_scope(place, user):
                problem("jurisdiction", _("“%(v)s”不在您的辖区内。") % {"v": place.name})
                place = None
    industry = None
    if cells.get("industry"):
        industry = lookups.industries.get(cells["industry"])
        if industry is None:
            problem(
                "industry",
                _("没有叫“%(v)s”的行业，可选：%(options)s。")
                % {
                    "v": cells["industry"],
                    "options": "、".join(sorted({i.name for i in lookups.industries.values()})),
                },
            )
    licence = LicenceStatus.COMPLETE.value
    if cells.get("licence_status"):
        licence = lookups.licence.get(cells["licence_status"], "")
        if not licence:
            problem(
                "licence_status",
                _("应为%(options)s之一。")
                % {"options": "、".join(str(label) for _v, label in LicenceStatus.choices)},
            )
    operating = OperatingStatus.OPERATING.value
    if cells.get("operating_status"):
        operating = lookups.operating.get(cells["operating_status"], "")
        if not operating:
            problem(
                "operating_status",
                _("应为%(options)s之一。")
                % {"options": "、".join(str(label) for _v, label in OperatingStatus.choices)},
            )
    if errors:
        return None, errors
    if place is None or industry is None:  # required: reported above
        return None, errors
    return {
        "name": name,
        "credit_code": code,
        "legal_representative": normalise_spaces(cells.get("legal_representative", "")),
        "address": normalise_spaces(cells.get("address", "")),
        "jurisdiction": place.pk,
        "industry": industry.pk,
        "licence_status": licence,
        "operating_status": operating,
    }, []


def check_file(
    *, name: str, content: bytes, user: User, progress: Callable[[int, int], None]
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Cleaned rows and problems of a whole file; no writes."""
    try:
        rows = list(read_rows(name, content))
    except FileUnreadable as error:
        return [], [{"row": 0, "column": "", "message": str(error)}]
    rows = [row for row in rows if any(cell for cell in row)]
    if not rows:
        return [], [{"row": 0, "column": "", "message": _("文件是空的。")}]
    header = rows[0]
    keys = [HEADER_TO_KEY.get(cell) for cell in header]
    missing = [HEADER_OF[key] for key in REQUIRED if key not in keys]
    if missing:
        message = _("第1行应为列名，缺少：%(columns)s。请使用下载的模板。") % {
            "columns": "、".join(sorted(missing))
        }
        return [], [{"row": 1, "column": "", "message": message}]
    body = rows[1:]
    if len(body) > settings.ENTERPRISE_IMPORT_MAX_ROWS:
        message = _("一次最多导入%(n)d行，请分成几个文件。") % {
            "n": settings.ENTERPRISE_IMPORT_MAX_ROWS
        }
        return [], [{"row": 0, "column": "", "message": message}]
    lookups = _Lookups()
    cleaned: list[dict[str, Any]] = []
    errors: list[dict[str, Any]] = []
    seen_codes: dict[str, int] = {}
    total = len(body)
    for index, row in enumerate(body):
        number = index + 2  # the row number the clerk sees in Excel
        cells = {key: row[i] if i < len(row) else "" for i, key in enumerate(keys) if key}
        fields, row_errors = _check_row(number, cells, lookups, user)
        errors.extend(row_errors)
        if fields is not None:
            code = fields["credit_code"]
            if code and code in seen_codes:
                errors.append(
                    {
                        "row": number,
                        "column": HEADER_OF["credit_code"],
                        "message": _("与第%(other)d行的代码重复。") % {"other": seen_codes[code]},
                    }
                )
            else:
                if code:
                    seen_codes[code] = number
                cleaned.append({"row": number, "fields": fields})
        if (index + 1) % PROGRESS_EVERY == 0:
            progress(index + 1, total)
    _match_existing(cleaned, errors, user)
    progress(total, total)
    return cleaned, errors


def _match_existing(
    cleaned: list[dict[str, Any]], errors: list[dict[str, Any]], user: User
) -> None:
    """Mark each row with the unit it updates: by credit code, else by name and place."""
    codes = [row["fields"]["credit_code"] for row in cleaned if row["fields"]["credit_code"]]
    by_code: dict[str, Enterprise] = {}
    for start in range(0, len(codes), 1000):
        for unit in (
            Enterprise.objects.filter(credit_code__in=codes[start : start + 1000])
            .select_related("jurisdiction")
            .defer("name_bigrams")
        ):
            by_code[unit.credit_code or ""] = unit
    for row in cleaned:
        fields = row["fields"]
        existing = by_code.get(fields["credit_code"] or "")
        if existing is None and not fields["credit_code"]:
            existing = (
                Enterprise.objects.filter(
                    credit_code__isnull=True,
                    name=fields["name"],
                    jurisdiction_id=fields["jurisdiction"],
                )
                .select_related("jurisdiction")
                .defer("name_bigrams")
                .first()
            )
        if existing is not None and not in_user_scope(existing.jurisdiction, user):
            errors.append(
                {
                    "row": row["row"],
                    "column": HEADER_OF["credit_code"],
                    "message": _(
                        "该代码已登记为“%(name)s”（%(place)s），不在您的辖区内，不能更新。"
                    )
                    % {"name": existing.name, "place": existing.jurisdiction.name},
                }
            )
        row["existing_id"] = existing.pk if existing is not None else None


# --- The import's steps ----------------------------------------------------------------------


def import_transition(
    *,
    enterprise_import: EnterpriseImport,
    move: str,
    actor: User | None,
    values: dict[str, Any] | None = None,
) -> EnterpriseImport:
    """Make ``move`` on an import if the IMPORT table allows it: saves ``status`` and
    ``values`` with ``update_fields`` and the history row, in the caller's transaction."""
    rule = IMPORT.moves[move]
    IMPORT.check(enterprise_import, move, SYSTEM_ACTOR if actor is None else actor)
    from_status = enterprise_import.status
    values = values or {}
    for name, value in values.items():
        setattr(enterprise_import, name, value)
    assert rule.target is not None  # noqa: S101 - every import move moves it
    enterprise_import.status = rule.target
    enterprise_import.save(update_fields=["status", *values])
    history_record(
        obj=enterprise_import,
        actor=actor,
        move=move,
        field="status",
        old=from_status,
        new=enterprise_import.status,
    )
    return enterprise_import


@transaction.atomic
def enterprise_import_start(*, actor: User, upload: UploadedFile) -> EnterpriseImport:
    """Keep the uploaded file and queue the check of its rows (after commit)."""
    IMPORT.check(EnterpriseImport(), "upload", actor)
    enterprise_import = EnterpriseImport.objects.create(
        uploaded_by=actor, file=upload, original_name=(upload.name or "import")[:255]
    )
    progress_set(enterprise_import.pk, phase="check", done=0, total=0)
    job_send_on_commit("registry.enterprise_import_check", import_id=enterprise_import.pk)
    return enterprise_import


def enterprise_import_check(*, import_id: int) -> EnterpriseImport | None:
    """Check every row of an uploaded file; writes only the import's own row. Safe to rerun."""
    enterprise_import = (
        EnterpriseImport.objects.select_related("uploaded_by").filter(pk=import_id).first()
    )
    if enterprise_import is None or enterprise_import.status != EnterpriseImport.Status.CHECKING:
        return enterprise_import
    with enterprise_import.file.open("rb") as source:
        content = source.read()
    cleaned, errors = check_file(
        name=enterprise_import.original_name,
        content=content,
        user=enterprise_import.uploaded_by,
        progress=lambda done, total: progress_set(import_id, phase="check", done=done, total=total),
    )
    with transaction.atomic():
        locked = EnterpriseImport.objects.select_for_update().get(pk=import_id)
        if locked.status != EnterpriseImport.Status.CHECKING:  # a second run finished first
            return locked
        return import_transition(
            enterprise_import=locked,
            move="check_failed" if errors or not cleaned else "checked",
            actor=None,
            values={"rows": cleaned, "errors": errors},
        )


@transaction.atomic
def enterprise_import_confirm(*, actor: User, enterprise_import: EnterpriseImport) -> None:
    """The person confirmed the preview: queue the all-or-nothing write."""
    locked = EnterpriseImport.objects.select_for_update().get(pk=enterprise_import.pk)
    import_transition(enterprise_import=locked, move="confirm", actor=actor)
    progress_set(locked.pk, phase="apply", done=0, total=len(locked.rows))
    job_send_on_commit("registry.enterprise_import_apply", import_id=locked.pk)


def enterprise_import_apply(*, import_id: int) -> EnterpriseImport | None:
    """Write every checked row in one transaction, or none; safe to run twice (only an import
    still in APPLYING is applied, and the status moves in the same transaction)."""
    try:
        with transaction.atomic():
            enterprise_import = (
                EnterpriseImport.objects.select_for_update()
                .select_related("uploaded_by")
                .filter(pk=import_id)
                .first()
            )
            if (
                enterprise_import is None
                or enterprise_import.status != EnterpriseImport.Status.APPLYING
            ):
                return enterprise_import
            created, updated = _apply_rows(enterprise_import)
            return import_transition(
                enterprise_import=enterprise_import,
                move="applied",
                actor=None,
                values={
                    "created_count": created,
                    "updated_count": updated,
                    "finished_at": timezone.now(),
                },
            )
    except RegistryError as error:
        # Something changed since the preview (a code registered meanwhile, say): nothing was
        # written; the person sees why and can upload again.
        with transaction.atomic():
            return import_transition(
                enterprise_import=EnterpriseImport.objects.select_for_update().get(pk=import_id),
                move="apply_failed",
                actor=None,
                values={
                    "errors": [
                        {"row": getattr(error, "row", 0), "column": "", "message": str(error)}
                    ],
                    "finished_at": timezone.now(),
                },
            )


def _apply_rows(enterprise_import: EnterpriseImport) -> tuple[int, int]:
    actor = enterprise_import.uploaded_by
    places = {p.pk: p for p in Jurisdiction.objects.all()}
    industries = {i.pk: i for i in Industry.objects.all()}
    created = updated = 0
    total = len(enterprise_import.rows)
    for index, row in enumerate(enterprise_import.rows):
        fields = row["fields"]
        data = EnterpriseData(
            name=fields["name"],
            credit_code=fields["credit_code"],
            legal_representative=fields["legal_representative"],
            address=fields["address"],
            jurisdiction=places[fields["jurisdiction"]],
            industry=industries[fields["industry"]],
            licence_status=fields["licence_status"],
            operating_status=fields["operating_status"],
        )
        try:
            existing_id = row.get("existing_id")
            if existing_id is None:
                enterprise_create(actor=actor, data=data)
                created += 1
            else:
                enterprise_update(
                    actor=actor, enterprise=Enterprise.objects.get(pk=existing_id), data=data
                )
                updated += 1
        except RegistryError as error:
            raise RegistryError(
                _("第%(row)d行：%(message)s 没有导入任何一行。")
                % {"row": row["row"], "message": error}
            ) from error
        if (index + 1) % PROGRESS_EVERY == 0:
            progress_set(enterprise_import.pk, phase="apply", done=index + 1, total=total)
    progress_set(enterprise_import.pk, phase="apply", done=total, total=total)
    return created, updated
