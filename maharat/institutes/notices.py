"""Who hears of licensing events: the institute's managers of every decision on it and of its expiry; the
province's licensing staff of applications, appeals and expiries; the central board of appeals. Each message
has a key, so a retried request or job tells nobody twice."""

from __future__ import annotations

from typing import Any

from django.utils import translation
from django.utils.translation import gettext as _

from maharat.access.roles import Role
from maharat.common import jalali
from maharat.common.persian import localize_digits
from maharat.notify.services import notify
from maharat.org.models import Unit

from .models import Appeal, Application, Decision, Licence

TOPIC = "licensing"


def _people(unit: Unit | None, roles: tuple[str, ...]) -> list[Any]:
    if unit is None:
        return []
    return [a.user for a in unit.accounts.select_related("user").filter(role__in=roles).order_by("pk")
            if a.user.is_active]


def institute_managers(unit: Unit) -> list[Any]:
    return _people(unit, (Role.INSTITUTE_MANAGER,))


def licensing_staff(unit: Unit) -> list[Any]:
    province = unit if unit.kind == "province" else unit.province
    return _people(province, (Role.PROVINCIAL_EXPERT, Role.PROVINCIAL_MANAGER))


def _central() -> list[Any]:
    root = Unit.objects.filter(parent__isnull=True).first()
    return _people(root, (Role.HQ_PLANNER,))


def _send(people: list[Any], *, key: str, title: str, body: str = "", url: str = "") -> None:
    with translation.override("fa"):
        for person in people:
            notify(person, topic=TOPIC, title=title, body=body, url=url, key=key)


def application_received(app: Application) -> None:
    _send(licensing_staff(app.unit), key=f"licensing:application:{app.pk}",
          title=_("درخواست {kind} «{name}» ثبت شد").format(kind=app.get_kind_display(), name=app.proposed_name),
          body=_("کد رهگیری: {code}").format(code=app.tracking_code), url=app.get_absolute_url())


def application_step(app: Application, step: str) -> None:
    people = institute_managers(app.unit) if app.institute_id else []
    if step == "resubmit":
        people = licensing_staff(app.unit)
    _send(people, key=f"licensing:application:{app.pk}:{step}:{app.status}",
          title=_("درخواست {code}: {status}").format(code=app.tracking_code, status=app.get_status_display()),
          body=app.check_note if step == "return_for_correction" else "", url=app.get_absolute_url())


def decided(decision: Decision | None) -> None:
    if decision is None:
        return
    title = _("{kind} — نامه {number}").format(kind=decision.get_kind_display(), number=decision.number)
    body = _("مهلت اعتراض تا {day}").format(day=jalali.format_date(decision.appeal_until))
    _send(institute_managers(decision.unit) + licensing_staff(decision.unit), key=f"licensing:decision:{decision.pk}",
          title=title, body=body, url=decision.get_absolute_url())


def appeal_lodged(appeal: Appeal) -> None:
    _send(_central() + licensing_staff(appeal.decision.unit), key=f"licensing:appeal:{appeal.pk}",
          title=_("اعتراض به تصمیم {number}").format(number=appeal.decision.number), url=appeal.get_absolute_url())


def appeal_ruled(appeal: Appeal) -> None:
    _send(institute_managers(appeal.decision.unit) + licensing_staff(appeal.decision.unit),
          key=f"licensing:appeal:{appeal.pk}:{appeal.status}",
          title=_("رسیدگی به اعتراض {number}: {status}").format(number=appeal.decision.number,
                                                              status=appeal.get_status_display()),
          url=appeal.get_absolute_url())


def expiring(licence: Licence, days: int) -> int:
    unit = licence.institute.unit
    people = institute_managers(unit) + licensing_staff(unit)
    _send(people, key=f"licensing:expiry:{licence.pk}:{licence.expires_on.isoformat()}:{days}",
          title=_("پروانه {name} تا {n} روز دیگر منقضی می‌شود").format(name=unit.name, n=localize_digits(days)),
          body=_("تاریخ انقضا: {day}. درخواست تمدید را ثبت کنید.").format(day=jalali.format_date(licence.expires_on)),
          url=licence.get_absolute_url())
    return len(people)
