"""The rectification notice letter (整改通知书) sent to an exposed unit, as a PDF.

It tells the unit what it must put right, by when, who follows it up, and carries the unit's
access code for its own channel on the website. reportlab lives behind this one function;
the font rules are the printed notice's (core.pdf: an embedded TrueType CJK subset, CJK
line breaking).
"""

from __future__ import annotations

import datetime
import io

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import override

from core.pdf import register_cjk_font
from rectification.models import Case
from registry.authorities import authority_for


def build_case_letter_pdf(*, case: Case, code: str, issued_on: datetime.date) -> bytes:
    """The letter of one case, in Chinese, carrying ``code`` (shown nowhere else)."""
    from reportlab.lib import colors
    from reportlab.lib.enums import TA_CENTER
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle
    from reportlab.platypus.flowables import KeepTogether

    font = register_cjk_font()
    body = ParagraphStyle(
        "body", fontName=font, fontSize=11, leading=18, wordWrap="CJK", firstLineIndent=22
    )
    plain = ParagraphStyle("plain", parent=body, firstLineIndent=0)
    title = ParagraphStyle(
        "title", parent=plain, fontSize=18, leading=26, alignment=TA_CENTER, spaceAfter=6 * mm
    )
    code_style = ParagraphStyle("code", parent=plain, fontSize=16, leading=24, alignment=TA_CENTER)

    def p(text: str, style: ParagraphStyle = body) -> Paragraph:
        from xml.sax.saxutils import escape

        return Paragraph(escape(text), style)

    enterprise = case.enterprise
    findings = list(case.findings.order_by("id"))
    # The authority of the place the findings were found signs, wherever the unit is
    # registered.
    authority = authority_for(case.place)
    # The letter is an official paper in the authority's language, whatever the clerk's UI.
    with override("zh-hans"):
        unit_url = settings.SITE_URL.rstrip("/") + "/unit/"
        story = [
            p(authority.name, ParagraphStyle("auth", parent=title, fontSize=14)),
            p(_("安全生产整改通知书"), title),
            p(_("%(name)s：") % {"name": enterprise.name}, plain),
            Spacer(1, 2 * mm),
            p(
                _(
                    "经检查，你单位存在下列违法违规行为或事故隐患，已依照%(regulation)s"
                    "予以公示曝光，处理措施为“%(disposition)s”。请你单位于%(deadline)s前"
                    "整改到位，并接受复查。"
                )
                % {
                    "regulation": authority.regulation,
                    "disposition": case.get_disposition_display(),
                    "deadline": _cn_date(case.deadline),
                }
            ),
        ]
        rows = [[p(_("序号"), plain), p(_("违法违规行为及事故隐患"), plain)]]
        rows += [
            [p(str(number), plain), p(finding.description, plain)]
            for number, finding in enumerate(findings, start=1)
        ]
        if len(rows) > 1:
            table = Table(rows, colWidths=[14 * mm, 150 * mm], repeatRows=1)
            table.setStyle(
                TableStyle(
                    [
                        ("FONTNAME", (0, 0), (-1, -1), font),
                        ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
                        ("VALIGN", (0, 0), (-1, -1), "TOP"),
                        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eeeeee")),
                    ]
                )
            )
            story += [Spacer(1, 3 * mm), table, Spacer(1, 3 * mm)]
        story += [
            p(
                _("跟踪整改责任单位：%(department)s；责任人：%(person)s。")
                % {"department": case.department.name, "person": case.responsible_person}
            ),
            p(
                _(
                    "你单位可凭下列访问码登录%(url)s，无需注册账号，上传整改证据并申请复查。"
                    "访问码只在本通知书上出现，请妥善保管；整改跟踪结束后自动失效。"
                )
                % {"url": unit_url}
            ),
            Spacer(1, 4 * mm),
            KeepTogether(
                [
                    p(_("单位访问码"), ParagraphStyle("label", parent=plain, alignment=TA_CENTER)),
                    p(code, code_style),
                ]
            ),
            Spacer(1, 8 * mm),
            p(authority.name, ParagraphStyle("sign", parent=plain, alignment=2)),
            p(_cn_date(issued_on), ParagraphStyle("date", parent=plain, alignment=2)),
        ]
        out = io.BytesIO()
        doc = SimpleDocTemplate(
            out,
            pagesize=A4,
            leftMargin=22 * mm,
            rightMargin=22 * mm,
            topMargin=20 * mm,
            bottomMargin=20 * mm,
            title=_("安全生产整改通知书"),
            author=authority.name,
            # The same case and code always give the same bytes (no creation timestamp, no
            # random document id): reprints can be compared.
            invariant=True,
            # The canvas starts every page in Helvetica unless told otherwise; only the
            # embedded CJK font may appear in the file.
            initialFontName=font,
        )
        doc.build(story)
    return out.getvalue()


def _cn_date(day: datetime.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"
