"""Where the files are kept: outside every folder served to anyone, with no URL of their own; S3 when asked."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.exceptions import ImproperlyConfigured

from maharat.attachments import checks, storage
from maharat.attachments.storage import attachments_storage, local_root


def test_the_configured_root_lies_outside_static_and_media() -> None:
    from maharat.config.settings import base

    root = Path(base.ATTACHMENTS_ROOT).resolve()
    for served in (base.STATIC_ROOT, base.MEDIA_ROOT, *base.STATICFILES_DIRS):
        served = Path(served).resolve()
        assert served not in root.parents and root != served and root not in served.parents


@pytest.mark.parametrize("inside", ["MEDIA_ROOT", "STATIC_ROOT"])
def test_a_root_inside_a_served_folder_is_refused_at_start_up(settings, inside: str) -> None:  # type: ignore[no-untyped-def]
    settings.ATTACHMENTS_ROOT = Path(getattr(django_settings, inside)) / "attachments"
    with pytest.raises(ImproperlyConfigured):
        local_root()
    assert [e.id for e in checks.attachments_are_private()] == ["maharat.attachments.E001"]


def test_the_local_storage_writes_under_the_root_and_makes_no_url(storage_root: Path) -> None:
    store = attachments_storage()
    name = store.save("ab/cd/x.pdf", __import__("io").BytesIO(b"%PDF-1.7"))
    assert (storage_root / name).read_bytes() == b"%PDF-1.7"
    assert oct((storage_root / name).stat().st_mode & 0o777) == oct(0o640)
    with pytest.raises(NotImplementedError):
        store.url(name)


def test_s3_is_chosen_by_the_setting_with_an_endpoint_and_private_objects(settings) -> None:  # type: ignore[no-untyped-def]
    from storages.backends.s3 import S3Storage

    settings.ATTACHMENTS_STORAGE = "s3"
    settings.AWS_STORAGE_BUCKET_NAME = "maharat-evidence"
    settings.AWS_S3_ENDPOINT_URL = "http://127.0.0.1:9000"  # MinIO on the host; nothing is sent in this test
    settings.AWS_ACCESS_KEY_ID, settings.AWS_SECRET_ACCESS_KEY = "test-key", "test-secret"
    store = attachments_storage()
    assert isinstance(store, S3Storage)
    assert (store.bucket_name, store.endpoint_url) == ("maharat-evidence", "http://127.0.0.1:9000")
    assert store.default_acl == "private" and store.custom_domain is None and store.location == "attachments"
    assert store.file_overwrite is False
    with pytest.raises(NotImplementedError):
        store.url("ab/cd/x.pdf")  # never a public, nor a presigned, address
    assert checks.attachments_are_private() == []


def test_s3_reads_the_bucket_and_endpoint_from_the_environment(settings, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    settings.ATTACHMENTS_STORAGE = "s3"
    for name in ("AWS_STORAGE_BUCKET_NAME", "AWS_S3_ENDPOINT_URL"):
        if hasattr(settings, name):
            delattr(settings, name)
    monkeypatch.setenv("AWS_STORAGE_BUCKET_NAME", "from-env")
    monkeypatch.setenv("AWS_S3_ENDPOINT_URL", "http://127.0.0.1:9100")
    store = attachments_storage()
    assert (store.bucket_name, store.endpoint_url) == ("from-env", "http://127.0.0.1:9100")  # type: ignore[attr-defined]


def test_s3_without_a_bucket_or_an_unknown_storage_stops_start_up(settings, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.delenv("AWS_STORAGE_BUCKET_NAME", raising=False)
    settings.ATTACHMENTS_STORAGE = "s3"
    settings.AWS_STORAGE_BUCKET_NAME = ""
    assert [e.id for e in checks.attachments_are_private()] == ["maharat.attachments.E001"]
    settings.ATTACHMENTS_STORAGE = "media"
    with pytest.raises(ImproperlyConfigured):
        storage.attachments_storage()
