"""Images: opened by Pillow, never trusted by their header alone, and shown only as a clean thumbnail.

A decompression bomb (a small file that claims, say, 20,000 x 20,000 pixels) is refused from the size its
header states, before any pixel is decoded. The stored original is the uploaded file, byte for byte (its hash
is what a second upload is recognised by, and it is the evidence); the thumbnail the pages show is drawn anew
from its pixels alone, so no EXIF (a phone photo's GPS position), ICC or text chunk reaches it.
"""

from __future__ import annotations

import io
import warnings
from typing import IO

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps

from .types import FileType, refuse

THUMBNAIL = 320  # pixels, the longer side
PILLOW_FORMAT = {"image/jpeg": "JPEG", "image/png": "PNG", "image/webp": "WEBP"}
# Reading broken or hostile image data raises any of these from Pillow's decoders.
BROKEN = (OSError, SyntaxError, ValueError, EOFError, IndexError, TypeError, KeyError, MemoryError,
          Image.UnidentifiedImageError)


def max_pixels() -> int:
    # 60 megapixels: above a phone's largest photo (50 MP), far below what would exhaust memory to decode.
    return int(getattr(settings, "ATTACHMENTS_MAX_PIXELS", 60_000_000))


def _bomb(name: str) -> ValidationError:
    return refuse(_("تصویر «{name}» بیش از حد بزرگ است (بیش از {limit} مگاپیکسل) و پذیرفته نمی‌شود."), name,
                  "image_bomb", limit=max_pixels() // 1_000_000)


def _broken(name: str) -> ValidationError:
    return refuse(_("تصویر «{name}» خراب است و باز نمی‌شود."), name, "broken")


def _open(file: IO[bytes], name: str, kind: FileType) -> Image.Image:
    file.seek(0)
    # Pillow reads from a copy: its verify() and close() close the file they were given (Pillow 13 does, for
    # PNG), and the upload itself is read again for the thumbnail and stored afterwards. The copy is bounded
    # by the upload limit (uploads.CappedUploadHandler).
    data = io.BytesIO(file.read())
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = Image.open(data, formats=[PILLOW_FORMAT[kind.mime]])
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise _bomb(name) from None
        except BROKEN:
            raise _broken(name) from None
    width, height = image.size
    if width < 1 or height < 1 or width * height > max_pixels():
        image.close()
        raise _bomb(name)
    return image


def check_image(file: IO[bytes], name: str, kind: FileType) -> tuple[int, int]:
    """The image's width and height, once Pillow has verified its data."""
    image = _open(file, name, kind)
    try:
        size = image.size
        image.verify()
    except BROKEN:
        raise _broken(name) from None
    finally:
        image.close()
    return size


def thumbnail(file: IO[bytes], name: str, kind: FileType) -> tuple[bytes, str]:
    """A small copy (JPEG, or PNG where the image is transparent) with no metadata: (its bytes, its extension)."""
    image = _open(file, name, kind)
    try:
        with image:
            image.draft("RGB", (THUMBNAIL * 2, THUMBNAIL * 2))  # JPEG decodes at a fraction of its size
            upright = ImageOps.exif_transpose(image)  # as the photo was taken, before its EXIF is left behind
            upright.thumbnail((THUMBNAIL, THUMBNAIL))
            alpha = upright.mode in ("RGBA", "LA", "PA") or "transparency" in upright.info
            pixels = upright.convert("RGBA" if alpha else "RGB")
    except BROKEN:
        raise _broken(name) from None
    clean = Image.frombytes(pixels.mode, pixels.size, pixels.tobytes())  # pixels only: no info, no EXIF
    out = io.BytesIO()
    if alpha:
        clean.save(out, "PNG", optimize=True)
        return out.getvalue(), "png"
    clean.save(out, "JPEG", quality=82, optimize=True)
    return out.getvalue(), "jpg"
