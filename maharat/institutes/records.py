"""Licensing's records: where each sits in the tree, who may do what, and the rules it adds to training.

One kind, "licence", covers the institute's record, its licences, applications, decisions and appeals:

- the province's licensing staff enter founders' applications, check documents and inspect ("add",
  "change", "check", "inspect"); the province's manager decides for its board ("decide"), HQ's planner for the
  central board, which alone revokes and rules on appeals ("rule");
- an institute's manager sees its own record and decisions, applies to renew its licence, corrects what
  was returned to it, and appeals ("appeal"); nothing of other institutes, nor of new founders' applications
  (they sit at the county, above it);
- the public sees only the register and the verification page (views_public.py), never these records.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from maharat.access import policy
from maharat.access.records import ADD, CHANGE, VIEW, internal, kind, menu, menu_group, record
from maharat.access.roles import Role
from maharat.attachments.registry import enable
from maharat.kit.sections import section
from maharat.org.models import Unit, UnitKind
from maharat.training import entry_rules

from . import selectors
from .models import (
    Appeal,
    Application,
    ApplicationKind,
    ApplicationStatus,
    Board,
    Decision,
    ExpiryReminder,
    GuildAssociation,
    Institute,
    Licence,
    LicenceField,
)
from .rules import shown_date

KIND = "licence"
STAFF = {VIEW, ADD, CHANGE, "check", "inspect"}

kind(KIND, gettext_lazy("پروانه آموزشگاه"), roles={
    Role.HQ_PLANNER: STAFF | {"decide", "rule"},
    Role.HQ_VIEWER: {VIEW},
    Role.PROVINCIAL_MANAGER: STAFF | {"decide"},
    Role.PROVINCIAL_EXPERT: STAFF,
    Role.INSTITUTE_MANAGER: {VIEW, ADD, CHANGE, "appeal"},
})


def _application_rule(user: Any, app: Model, action: str) -> bool:
    """An institute applies only to renew its own licence; a returned application is what may be changed."""
    assert isinstance(app, Application)
    actor = policy.actor_of(user)
    if actor.role == Role.INSTITUTE_MANAGER:
        if app.kind != ApplicationKind.RENEWAL or actor.unit is None or app.unit_id != actor.unit.pk:
            return False
    if action == CHANGE:
        return app.status in (ApplicationStatus.RETURNED, ApplicationStatus.SUBMITTED, ApplicationStatus.DOCUMENTS_OK,
                              ApplicationStatus.INSPECTED)
    return True


def _appeal_rule(user: Any, appeal: Model, action: str) -> bool:
    """Only the institute concerned appeals (its own unit's decision); the central board rules on it."""
    assert isinstance(appeal, Appeal)
    if action == "appeal":
        actor = policy.actor_of(user)
        return actor.unit is not None and appeal.decision.unit_id == actor.unit.pk
    return True


record(Institute, kind=KIND, unit="unit")
record(Licence, kind=KIND, unit="institute__unit")
record(Application, kind=KIND, unit="unit", write_check=_application_rule)
record(Decision, kind=KIND, unit="unit")
record(Appeal, kind=KIND, unit="decision__unit", write_check=_appeal_rule)
record(Board, kind=KIND, unit="unit")
record(GuildAssociation, kind=KIND, unit="unit")
internal(LicenceField, "a licence's fields, written only with the licence")
internal(ExpiryReminder, "marks of reminders sent, written by the daily job")
enable(Application)  # the founder's documents: deed or lease, police clearance, plans of the premises
enable(Decision)  # the signed minutes of the board

def _unit_licence(user: Any, unit: Model) -> dict[str, Any]:
    """A free institute's page shows its current licence, to whoever may see licences there."""
    if getattr(unit, "kind", "") != UnitKind.FREE_INSTITUTE or not policy.may(user, VIEW, KIND):
        return {"count": 0}
    licence = policy.scope(user, Licence.objects.filter(institute_id=unit.pk, is_current=True)).first()
    return {"count": 1, "licence": licence}


section(Unit, template="institutes/partials/unit_licence.html", context=_unit_licence)

menu_group("institutes", gettext_lazy("آموزشگاه‌ها"), order=36)
menu(gettext_lazy("پروانه‌ها"), "licence_list", kind=KIND, group="institutes", order=10)
menu(gettext_lazy("درخواست‌های پروانه"), "application_list", kind=KIND, group="institutes", order=20)
menu(gettext_lazy("تصمیم‌ها و اعتراض‌ها"), "decision_list", kind=KIND, group="institutes", order=30)


# ------------------------------------------------------------------------- what a licence allows training
def _institute(run: Any) -> bool:
    return bool(run.unit.kind == UnitKind.FREE_INSTITUTE)


@entry_rules.course_run_rule
def licensed_course_run(run: Any) -> dict[str, str]:
    """A course run at a free institute lies within its licence: dates, fields, and no enrollment ban on a new
    run's start."""
    if not _institute(run):
        return {}
    why = selectors.why_not_licensed(run.unit_id, run.start_date, run.end_date)
    if why:
        return {"start_date": why}
    licence = selectors.licence_covering(run.unit_id, run.start_date)
    if licence is None:
        return {}
    if not selectors.allows_standard(licence, run.standard):
        return {"standard": _("این استاندارد در رشته‌های مجاز پروانه آموزشگاه ({fields}) نیست.").format(
            fields=pgettext("list separator", "، ").join(licence.cluster_labels()))}
    if run._state.adding:
        for ban in selectors.bans_on(licence, run.start_date):
            return {"start_date": _("آموزشگاه تا {day} از ثبت‌نام جدید منع شده است (تصمیم {number}).").format(
                day=shown_date(ban.effective_until), number=ban.number)}
    return {}


@entry_rules.enrollment_rule
def no_enrollment_under_ban(run: Any, adding: bool) -> dict[str, str]:
    """No new enrollment while the institute is barred from new enrollments. Kept on the run object for the
    rows of one import (it asks once per run, not once per row)."""
    if not adding or not _institute(run):
        return {}
    memo = run.__dict__.get("_licence_ban")
    if memo is None:
        licence = selectors.licence_of(run.unit_id)
        bans = selectors.bans_on(licence, timezone.localdate()) if licence is not None else []
        memo = run.__dict__["_licence_ban"] = (bans[0].effective_until, bans[0].number) if bans else ()
    if memo:
        until, number = memo
        return {"course_run": _("آموزشگاه تا {day} از ثبت‌نام جدید منع شده است (تصمیم {number}).").format(
            day=shown_date(until), number=number)}
    return {}
