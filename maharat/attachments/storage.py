"""Where evidence files are kept: never the site's default (media) storage, never behind a public address.

ATTACHMENTS_STORAGE="local" (the default) keeps them under ATTACHMENTS_ROOT on the server's disk, outside the
static and media roots; "s3" keeps them in a private bucket of an S3-compatible store (django-storages: AWS's
S3, or MinIO / Ceph through AWS_S3_ENDPOINT_URL). Either way a file reaches a browser only through
attachments.views, after the permission layer has said the user may see its record: the storages here refuse
to make a URL at all, so no template or serializer can hand out a direct (or presigned) link by mistake.
"""

from __future__ import annotations

import functools
import os
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.files.storage import FileSystemStorage, Storage

NO_URL = "evidence files are served only through attachments.views, after the permission check"


class PrivateFileSystemStorage(FileSystemStorage):
    def url(self, name: str | None) -> str:
        raise NotImplementedError(NO_URL)


def _s3_class() -> Any:
    from storages.backends.s3 import S3Storage

    class PrivateS3Storage(S3Storage):
        def url(self, name: str, parameters: Any = None, expire: Any = None, http_method: Any = None) -> str:
            raise NotImplementedError(NO_URL)

    return PrivateS3Storage


def _setting(name: str) -> str | None:
    """An AWS_* value from the settings, else from the environment (django-storages itself reads the keys
    from the environment but not the bucket or the endpoint)."""
    return getattr(settings, name, None) or os.environ.get(name) or None


def web_roots() -> list[Path]:
    """Folders the web server or Django serve to anyone: an evidence file must never lie inside one."""
    roots = [getattr(settings, "STATIC_ROOT", None), getattr(settings, "MEDIA_ROOT", None)]
    roots += [d[1] if isinstance(d, (tuple, list)) else d for d in getattr(settings, "STATICFILES_DIRS", [])]
    return [Path(r).resolve() for r in roots if r]


def local_root() -> Path:
    root = Path(settings.ATTACHMENTS_ROOT).resolve()
    for served in web_roots():
        if root == served or served in root.parents or root in served.parents:
            raise ImproperlyConfigured(f"ATTACHMENTS_ROOT ({root}) must lie outside {served}, which is served to anyone")
    return root


def attachments_storage() -> Storage:
    """The storage the settings choose, built once per configuration (tests change the settings)."""
    kind = getattr(settings, "ATTACHMENTS_STORAGE", "local")
    if kind == "local":
        return _local(str(local_root()))
    if kind == "s3":
        names = ("AWS_STORAGE_BUCKET_NAME", "AWS_S3_ENDPOINT_URL", "AWS_S3_REGION_NAME")
        return _s3(*(_setting(n) for n in names))
    raise ImproperlyConfigured(f"ATTACHMENTS_STORAGE must be 'local' or 's3', not {kind!r}")


@functools.lru_cache(maxsize=4)
def _local(root: str) -> Storage:
    # Files 0640 and folders 0750: readable by the application's group (backups), by nobody else on the host.
    return PrivateFileSystemStorage(location=root, file_permissions_mode=0o640, directory_permissions_mode=0o750)


@functools.lru_cache(maxsize=4)
def _s3(bucket: str | None, endpoint: str | None, region: str | None) -> Storage:
    if not bucket:
        raise ImproperlyConfigured("ATTACHMENTS_STORAGE=s3 needs AWS_STORAGE_BUCKET_NAME")
    store: Storage = _s3_class()(
        bucket_name=bucket, endpoint_url=endpoint, region_name=region,
        location="attachments",  # a prefix of its own: the bucket may hold backups too
        default_acl="private",  # objects readable only with the platform's keys
        custom_domain=None,  # no CDN address that would serve the objects around the permission check
        querystring_auth=True,  # were a URL ever made it would be signed, never public (url() refuses anyway)
        file_overwrite=False,  # a generated name never replaces a stored file
        max_memory_size=2 * 1024 * 1024,  # a download larger than this is buffered on disk, not in memory
    )
    return store
