"""Settings for the new-domain test (test_new_domain.py): the platform's test settings plus one app, its line
in INSTALLED_APPS and its URL include, and nothing else."""

from maharat.config.settings.test import *  # noqa: F403
from maharat.config.settings.test import DATABASES, INSTALLED_APPS

INSTALLED_APPS = [*INSTALLED_APPS, "maharat.kit.tests.lending"]
ROOT_URLCONF = "maharat.kit.tests.urls"
# Its own test database, beside the ones of the run that started it (PostgreSQL in CI).
# (SQLite's test database is in memory already.)
if "postgresql" in DATABASES["default"]["ENGINE"]:
    DATABASES["default"].setdefault("TEST", {})["NAME"] = f"test_{DATABASES['default']['NAME']}_lending"
