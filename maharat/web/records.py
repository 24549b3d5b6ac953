"""The pages that gather several apps: the audit trail (who may read it) and the menu's frame."""

from django.utils.translation import gettext_lazy as _

from maharat.access.records import ADD, CHANGE, VIEW, internal, kind, menu, menu_group
from maharat.access.roles import Role
from maharat.audit.models import AuditEntry

kind("audit", _("رد پای تغییرات"), roles={role: {VIEW} for role in (
    Role.HQ_PLANNER, Role.HQ_VIEWER, Role.PROVINCIAL_MANAGER, Role.CENTER_HEAD)})
internal(AuditEntry, "the trail itself: read through audit.selectors, scoped by the viewer's subtree")

menu_group("records", _("سوابق آموزشی"), order=30)
# What waits for the user (their inbox of decisions, what their unit owes, their files), and the platform's
# own upkeep: two dropdowns, so that the bar still fits a 1280-pixel screen as domains are added.
menu_group("work", _("کارتابل"), order=42)
menu_group("admin", _("مدیریت"), order=60)
menu(_("رد پای تغییرات"), "audit_list", kind="audit", group="admin", order=10)

# Accounts of one's subtree (access/accounts.py says which roles each manager may give); no delete: an
# account is deactivated, so that its trail keeps a name.
kind("account", _("حساب‌های کاربری"), roles={role: {VIEW, ADD, CHANGE} for role in (
    Role.HQ_PLANNER, Role.PROVINCIAL_MANAGER)})
menu(_("حساب‌های کاربری"), "account_list", kind="account", group="admin", order=20, needs_unit=True)
