"""Checking and storing uploaded evidence (photos and PDFs), for every app.

The type is read from the content, never the name; photos are re-encoded without their EXIF
block (which carries the GPS position of the phone that took them); files over the size cap
are refused. Lives in the lowest layer so rectification and publicity can use it too.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

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


def _image_without_exif(data: bytes, name: str) -> tuple[str, str, bytes]:
    from PIL import Image, ImageOps, UnidentifiedImageError

    try:
        image = Image.open(io.BytesIO(data))
        image.load()
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError) as error:
        raise ValidationError(
            _("文件“%(name)s”不是可接受的图片（JPEG、PNG）或 PDF 文件。"),
            code="bad_type",
            params={"name": name},
        ) from error
    if image.format not in IMAGE_FORMATS:
        raise ValidationError(
            _("文件“%(name)s”不是可接受的图片（JPEG、PNG）或 PDF 文件。"),
            code="bad_type",
            params={"name": name},
        )
    content_type, extension = IMAGE_FORMATS[image.format]
    # Turn the pixels upright as the EXIF orientation says, then save without any EXIF.
    upright = ImageOps.exif_transpose(image)
    out = io.BytesIO()
    if image.format == "JPEG":
        upright.convert("RGB").save(out, format="JPEG", quality=90)
    else:
        upright.save(out, format="PNG")
    return content_type, extension, out.getvalue()
