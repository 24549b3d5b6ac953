"""Test settings: the database comes from DATABASE_URL like everywhere else (SQLite unless CI sets PostgreSQL)."""

from .base import *  # noqa: F403

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # speed; production uses Argon2
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
MAHARAT_DEV_SIGNING_KEY = True  # tests sign with a throw-away key under the test var directory
# Jobs run in the test's own process when enqueued (Huey's immediate mode, in memory); the worker's own
# behaviour (a crash in the middle, the restart) is tested with a real worker process (jobs/tests).
HUEY = {**HUEY, "immediate": True}  # noqa: F405
SMS_GATEWAY = "file"
ATTACHMENTS_ROOT = VAR_DIR / "test-attachments"  # noqa: F405
