from django.apps import AppConfig


class LendingConfig(AppConfig):
    """A test-only domain (equipment lent between units): proof that a new app gets a scoped register, audited
    writes through page, API and import, and its menu entry from its own folder alone."""

    name = "maharat.kit.tests.lending"
    label = "lending"
    default_auto_field = "django.db.models.BigAutoField"
