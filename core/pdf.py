"""The one CJK font every printed document embeds (notices, letters), shared by all apps.

reportlab embeds a TrueType subset of the glyphs used, so the PDF renders the same on any
machine. It cannot use CFF/OTF fonts such as Noto CJK; the default is WenQuanYi Micro Hei
(Debian's fonts-wqy-microhei), configurable with PDF_CJK_FONT_PATH.
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

CJK_FONT = "GongshiCJK"


def register_cjk_font() -> str:
    """Register the CJK font with reportlab once per process; return its name."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFError, TTFont

    if CJK_FONT in pdfmetrics.getRegisteredFontNames():
        return CJK_FONT
    path = Path(settings.PDF_CJK_FONT_PATH)
    if not path.is_file():
        raise ImproperlyConfigured(
            f"The CJK font for printed notices is missing: {path} does not exist. Install "
            "Debian's fonts-wqy-microhei (apt-get install fonts-wqy-microhei) or set "
            "PDF_CJK_FONT_PATH to a TrueType (.ttf/.ttc) font with Chinese glyphs."
        )
    try:
        font = TTFont(CJK_FONT, str(path), subfontIndex=settings.PDF_CJK_FONT_INDEX)
    except TTFError as error:
        raise ImproperlyConfigured(
            f"{path} cannot be embedded by reportlab ({error}); it needs a TrueType font, "
            "not CFF/OTF outlines such as Noto CJK."
        ) from error
    pdfmetrics.registerFont(font)
    return CJK_FONT


# The longest printed cell text, in characters: a finding's description as the inspector writes
# it and an entry's "违法违规行为及事故隐患" as staff edit it (the forms' maxlength). Sized by the
# newspaper notice's page (publicity.notice.notice_row_check says how): a row of this much text
# always fits on one A4 page with the signature and QR code, so a notice never cuts a row.
PRINTED_TEXT_MAX_LENGTH = 500
