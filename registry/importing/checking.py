"""Checking every row of an import: plain-words problems (row, column, what is wrong), and
which rows update a registered unit."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from registry.enums import JurisdictionLevel, LicenceStatus, OperatingStatus
from registry.importing.files import (
    EXAMPLE_MARK,
    HEADER_OF,
    HEADER_TO_KEY,
    PROGRESS_EVERY,
    REQUIRED,
    FileUnreadable,
    read_rows,
)
from registry.models import Enterprise, Industry, Jurisdiction
from registry.permissions import in_user_scope
from registry.search import normalise_spaces
from registry.validators import validate_credit_code

# --- Checking rows -------------------------------------------------------------------------


class _Lookups:
    """Reference data by every name a clerk may type, loaded once per file."""

    def __init__(self) -> None:
        self.jurisdictions: dict[str, Jurisdiction | None] = {}
        places = Jurisdiction.objects.exclude(
            level__in=[JurisdictionLevel.PROVINCE, JurisdictionLevel.CITY]
        ).select_related("parent")
        for place in places:
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
    *,
    name: str,
    content: bytes,
    user: User,
    progress: Callable[[int, int], None],
    keep: Callable[[list[dict[str, Any]]], None] | None = None,
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Cleaned rows and problems of a whole file; no writes.

    With ``keep``, the cleaned rows are handed to it a chunk at a time
    (``ENTERPRISE_IMPORT_CHUNK_ROWS`` rows of the file) as soon as they are checked and
    matched, and the list returned is empty: the cleaned rows of a long file are never all
    held at once.
    """
    # Read lazily, and stopped as soon as the answer is known: a wrong header after the first
    # row, too many rows after one more than the cap; never the whole file first.
    numbered: list[tuple[int, list[str]]] = []
    keys: list[str | None] = []
    rows = read_rows(name, content)
    try:
        # Numbered before blank rows are dropped: the number the clerk sees in Excel.
        for number, row in enumerate(rows, start=1):
            if not any(cell for cell in row):
                continue
            if not numbered:
                keys = [HEADER_TO_KEY.get(cell) for cell in row]
                missing = [HEADER_OF[key] for key in REQUIRED if key not in keys]
                if missing:
                    message = _("第1行应为列名，缺少：%(columns)s。请使用下载的模板。") % {
                        "columns": "、".join(sorted(missing))
                    }
                    return [], [{"row": 1, "column": "", "message": message}]
            numbered.append((number, row))
            if len(numbered) - 1 > settings.ENTERPRISE_IMPORT_MAX_ROWS:
                message = _("一次最多导入%(n)d行，请分成几个文件。") % {
                    "n": settings.ENTERPRISE_IMPORT_MAX_ROWS
                }
                return [], [{"row": 0, "column": "", "message": message}]
    except FileUnreadable as error:
        return [], [{"row": 0, "column": "", "message": str(error)}]
    finally:
        rows.close()
    if not numbered:
        return [], [{"row": 0, "column": "", "message": _("文件是空的。")}]
    total = len(numbered) - 1
    lookups = _Lookups()
    places = {place.pk: place for place in Jurisdiction.objects.all()}
    cleaned: list[dict[str, Any]] = []
    kept = 0
    # The problems of the rows themselves, then those of matching them with registered units
    # (said after the rows', as when every row was checked before any was matched).
    errors: list[dict[str, Any]] = []
    match_errors: list[dict[str, Any]] = []
    seen_codes: dict[str, int] = {}
    examples: list[int] = []
    size = settings.ENTERPRISE_IMPORT_CHUNK_ROWS
    for start in range(1, total + 1, size):
        chunk: list[dict[str, Any]] = []
        for index, (number, row) in enumerate(numbered[start : start + size], start=start):
            cells = {key: row[i] if i < len(row) else "" for i, key in enumerate(keys) if key}
            if cells.get("name", "").startswith(EXAMPLE_MARK):
                examples.append(number)
                continue
            fields, row_errors = _check_row(number, cells, lookups, user)
            errors.extend(row_errors)
            if fields is not None:
                code = fields["credit_code"]
                if code and code in seen_codes:
                    errors.append(
                        {
                            "row": number,
                            "column": HEADER_OF["credit_code"],
                            "message": _("与第%(other)d行的代码重复。")
                            % {"other": seen_codes[code]},
                        }
                    )
                else:
                    if code:
                        seen_codes[code] = number
                    chunk.append({"row": number, "fields": fields})
            if index % PROGRESS_EVERY == 0:
                progress(index, total)
        _match_existing(chunk, match_errors, user, places)
        kept += len(chunk)
        if keep is None:
            cleaned.extend(chunk)
        elif chunk:
            keep(chunk)
    if examples and not kept and not errors:
        # The template as downloaded: say what to do, rather than import nothing silently.
        message = _(
            "这是模板的示例行，导入时跳过。文件中没有其他单位：请在示例行下方填写要导入的单位"
            "（示例行可保留或删除），再上传。"
        )
        errors.append({"row": examples[0], "column": HEADER_OF["name"], "message": message})
    errors.extend(match_errors)
    progress(total, total)
    return cleaned, errors


def _match_existing(
    chunk: list[dict[str, Any]],
    errors: list[dict[str, Any]],
    user: User,
    places: dict[int, Jurisdiction],
) -> None:
    """Mark each row of a chunk with the unit it updates: by credit code, else (a row without
    a code) the first unit without a code of the same name in the same place. Two queries
    whatever the chunk's length."""
    codes = {row["fields"]["credit_code"] for row in chunk if row["fields"]["credit_code"]}
    names = {row["fields"]["name"] for row in chunk if not row["fields"]["credit_code"]}
    by_code: dict[str, tuple[int, str, int]] = {}
    if codes:
        for pk, code, name, place_id in Enterprise.objects.filter(
            credit_code__in=codes
        ).values_list("pk", "credit_code", "name", "jurisdiction_id"):
            by_code[code or ""] = (pk, name, place_id)
    by_name: dict[tuple[str, int], tuple[int, str, int]] = {}
    if names:
        # Lowest id first: the unit a one-by-one lookup (ordered by name, id) would find.
        for pk, name, place_id in (
            Enterprise.objects.filter(credit_code__isnull=True, name__in=names)
            .order_by("id")
            .values_list("pk", "name", "jurisdiction_id")
        ):
            by_name.setdefault((name, place_id), (pk, name, place_id))
    for row in chunk:
        fields = row["fields"]
        if fields["credit_code"]:
            existing = by_code.get(fields["credit_code"])
        else:
            existing = by_name.get((fields["name"], fields["jurisdiction"]))
        if existing is not None and not in_user_scope(places[existing[2]], user):
            errors.append(
                {
                    "row": row["row"],
                    "column": HEADER_OF["credit_code"],
                    "message": _(
                        "该代码已登记为“%(name)s”（%(place)s），不在您的辖区内，不能更新。"
                    )
                    % {"name": existing[1], "place": places[existing[2]].name},
                }
            )
        row["existing_id"] = existing[0] if existing is not None else None
