"""Background jobs belong to the user who asked for them (never to a unit): every signed-in user has the page."""

from django.utils.translation import gettext_lazy as _

from maharat.access.records import menu

menu(_("کارهای پس‌زمینه"), "job_list", kind="", group="work", order=130, visible=lambda user: True)
