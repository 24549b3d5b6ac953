"""The import page's place in the menu: for whoever may import at least one kind of record."""

from typing import Any

from django.utils.translation import gettext_lazy as _

from maharat.access.records import menu


def may_import_something(user: Any) -> bool:
    from maharat.kit.importing import kinds

    from . import services

    return any(services.may_import(user, name) for name in kinds())


menu(_("ورود داده از اکسل"), "import", kind="", group="records", order=900, visible=may_import_something)
