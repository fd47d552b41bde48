"""Checking and storing uploaded evidence (photos and PDFs), for every app.

The type is read from the content, never the name; photos are re-encoded without their EXIF
block (which carries the GPS position of the phone that took them); files over the size cap
are refused. Lives in the lowest layer so rectification and publicity can use it too.
"""

from __future__ import annotations

import hashlib
import io
import warnings
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.http import FileResponse
from django.utils.translation import gettext as _

from core.middleware import PRIVATE_CACHE_CONTROL

IMAGE_FORMATS = {"JPEG": ("image/jpeg", "jpg"), "PNG": ("image/png", "png")}
PDF = ("application/pdf", "pdf")


@dataclass(frozen=True)
class CheckedFile:
    """An upload that passed the checks, ready to store."""

    content: ContentFile
    original_name: str
    content_type: str
    size: int
    sha256: str


def evidence_check(upload: UploadedFile) -> CheckedFile:
    """Check an uploaded photo or PDF and return what to store; raise ValidationError."""
    name = upload.name or "upload"
    if upload.size is not None and upload.size > settings.EVIDENCE_MAX_BYTES:
        raise ValidationError(
            _("文件“%(name)s”超过大小上限 %(limit)d MB。"),
            code="too_large",
            params={"name": name, "limit": settings.EVIDENCE_MAX_BYTES // (1024 * 1024)},
        )
    data = upload.read()
    upload.seek(0)
    if data.startswith(b"%PDF-"):
        _check_pdf(data, name)
        content_type, extension = PDF
        stored = data
    else:
        content_type, extension, stored = _image_without_exif(data, name)
    digest = hashlib.sha256(stored).hexdigest()
    stem = name.rsplit(".", 1)[0][:80] or "evidence"
    return CheckedFile(
        content=ContentFile(stored, name=f"{digest[:16]}-{stem}.{extension}"),
        original_name=name[:255],
        content_type=content_type,
        size=len(stored),
        sha256=digest,
    )


def _refuse(name: str, error: Exception | None = None) -> ValidationError:
    refusal = ValidationError(
        _("文件“%(name)s”不是可接受的图片（JPEG、PNG）或 PDF 文件。"),
        code="bad_type",
        params={"name": name},
    )
    if error is not None:
        refusal.__cause__ = error
    return refusal


def _check_pdf(data: bytes, name: str) -> None:
    """A PDF must parse as one, have pages, and carry no JavaScript or launch actions."""
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError
    from pypdf.generic import DictionaryObject

    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        pages = len(reader.pages)
        root = reader.trailer["/Root"].get_object()
        if not isinstance(root, DictionaryObject):
            raise ValueError("no document catalogue")
        names = root.get("/Names")
        active = "/OpenAction" in root or "/AA" in root
        scripted = names is not None and "/JavaScript" in names.get_object()
    except (PyPdfError, KeyError, ValueError, TypeError, AttributeError, OSError) as error:
        raise _refuse(name, error) from error
    if pages == 0 or active or scripted or b"/JavaScript" in data or b"/Launch" in data:
        raise _refuse(name)
    if pages > settings.EVIDENCE_MAX_PDF_PAGES:
        raise ValidationError(
            _("文件“%(name)s”页数过多（上限 %(limit)d 页）。"),
            code="too_many_pages",
            params={"name": name, "limit": settings.EVIDENCE_MAX_PDF_PAGES},
        )


def _image_without_exif(data: bytes, name: str) -> tuple[str, str, bytes]:
    from PIL import Image, ImageOps, UnidentifiedImageError

    try:
        with warnings.catch_warnings():
            # Our own cap below is stricter than Pillow's warning threshold.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
        # The header says how big the picture is before a byte of it is decoded.
        width, height = image.size
        if width * height > settings.EVIDENCE_MAX_PIXELS:
            raise ValidationError(
                _("图片“%(name)s”像素过多（%(width)d × %(height)d），请缩小后再上传。"),
                code="too_many_pixels",
                params={"name": name, "width": width, "height": height},
            )
        image.load()
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError) as error:
        raise _refuse(name, error) from error
    if image.format not in IMAGE_FORMATS:
        raise _refuse(name)
    content_type, extension = IMAGE_FORMATS[image.format]
    # Turn the pixels upright as the EXIF orientation says, then save without any EXIF.
    upright = ImageOps.exif_transpose(image)
    out = io.BytesIO()
    if image.format == "JPEG":
        upright.convert("RGB").save(out, format="JPEG", quality=90)
    else:
        upright.save(out, format="PNG")
    return content_type, extension, out.getvalue()


# Types a browser may show inline from our own origin: none of them can run script.
INLINE_TYPES = {"image/jpeg", "image/png", "application/pdf"}


def stored_file_response(
    stored: File, *, content_type: str, filename: str, download: bool
) -> FileResponse:
    """Serve a stored upload to the person allowed to see it, safely whatever it holds.

    Only photos and PDFs are ever shown inline, under their checked type; anything else (a
    file stored before the checks, or typed in by hand) goes out as an opaque download. The
    response may not run script or load anything even if a browser sniffs it as a page.
    """
    inline = content_type in INLINE_TYPES and not download
    response = FileResponse(
        stored.open("rb"),
        content_type=content_type if content_type in INLINE_TYPES else "application/octet-stream",
        as_attachment=not inline,
        filename=filename,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; sandbox"
    response["Cache-Control"] = PRIVATE_CACHE_CONTROL
    return response
