"""Test settings: the database comes from DATABASE_URL like everywhere else (SQLite unless CI sets PostgreSQL)."""

from .base import *  # noqa: F403

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # speed; production uses Argon2
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
MAHARAT_DEV_SIGNING_KEY = True  # tests sign with a throw-away key under the test var directory
