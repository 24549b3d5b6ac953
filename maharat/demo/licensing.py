"""The demo country's licensing: every institute licensed as its migration would have left it, then, in
Qazvin, institutes in every state a province's desk meets, each reached through the same services as the
pages (applications at each step, a founder's waiting at the board, a refusal, a renewal granted, a
warning, conditions, a shortened term, an enrollment ban, a suspension, a revocation by the central board,
a closure, an appeal waiting and one that varied its decision, licences expiring soon and one expired)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.apps import apps
from django.contrib.auth import get_user_model

from .base import BuilderBase


class LicensingSteps(BuilderBase):
    def build_licensing(self) -> None:
        from maharat.institutes import backfill, reminders
        from maharat.institutes.models import Application

        backfill.run(apps.get_model, self.today)
        self._guilds()
        users = {u.username: u for u in get_user_model().objects.filter(
            username__in=("qazvin_manager", "qazvin_expert", "institute_manager", "hq_planner"))
            .select_related("account__unit")}
        if len(users) < 4 or Application.objects.exists():
            return
        self._qazvin_states(users)
        from maharat.supervision import demo as supervision_demo

        supervision_demo.build(self.today)
        reminders.run(self.today)
        from maharat.loans.demo import build as build_loans

        build_loans(self.today)

    def _renewal(self, expert: Any, manager: Any, licence: Any) -> None:
        """A licence in the last months of its term, renewed this morning by the province's board: applied for
        by the expert on the institute's behalf, checked, inspected and granted for five more years."""
        from maharat.institutes import services
        from maharat.institutes.models import Decision, DecisionKind, Licence

        grant = Decision.objects.filter(licence=licence, in_force=True,
                                        kind__in=[DecisionKind.GRANT, DecisionKind.RENEW]).order_by("-decided_on").first()
        if grant is None:
            return
        Decision.objects.filter(pk=grant.pk).update(new_expiry=self.today + dt.timedelta(days=60))
        licence = services.recompute(Licence.objects.get(pk=licence.pk), self.today)
        data = services.renewal_defaults(licence.institute)
        data.founder_name = data.manager_name = "بهروز صادقی"
        data.founder_code = data.manager_national_code = "4073094564"
        data.address, data.capacity = data.address or "قزوین، بلوار خیام", data.capacity or 50
        app = services.apply_renewal(expert, institute=licence.institute, data=data)
        services.step(expert, app, "accept_documents", note="پروانه و گواهی اماکن معتبر است.")
        services.step(expert, app, "record_inspection", note="فضا و تجهیزات همچنان مطابق نوع آموزشگاه است.",
                      passed=True, day=self.today - dt.timedelta(days=1))
        services.grant(manager, app, reason="تمدید پروانه برای پنج سال؛ جلسه هیأت نظارت استان.", grade=1)

    def _guilds(self) -> None:
        """The national federation (کانون) at HQ, and a guild association per province its institutes belong to."""
        from maharat.institutes.models import GuildAssociation, Institute
        from maharat.org.models import Unit, UnitKind

        if GuildAssociation.objects.exists():
            return
        hq = Unit.objects.get(parent__isnull=True)
        GuildAssociation.objects.create(unit=hq, is_federation=True,
                                        name="کانون انجمن‌های صنفی کارفرمایی آموزشگاه‌های فنی و حرفه‌ای آزاد کشور")
        for province in Unit.objects.filter(kind=UnitKind.PROVINCE):
            guild = GuildAssociation.objects.create(
                unit=province, name=f"انجمن صنفی کارفرمایی آموزشگاه‌های فنی و حرفه‌ای آزاد {province.name}")
            Institute.objects.filter(unit__province=province).update(guild=guild)

    def build_purchasing(self) -> None:
        """Qazvin's purchase contracts with their invoices (purchasing/seed.py), on the licences built above."""
        from maharat.purchasing import seed

        seed.build_demo(self.today)

    def _qazvin_states(self, users: dict[str, Any]) -> None:
        from maharat.catalog.models import Cluster
        from maharat.institutes import services
        from maharat.institutes.models import Decision, Licence, LicenceStatus
        from maharat.org.models import Unit, UnitKind

        manager, expert, hq, own = (users["qazvin_manager"], users["qazvin_expert"], users["hq_planner"],
                                    users["institute_manager"])
        today = self.today
        county = Unit.objects.filter(kind=UnitKind.COUNTY, parent__code="IR-26").order_by("code").first()
        if county is None:
            return
        from maharat.common.validators import national_code_check_digit

        founders = [(first, nine + str(national_code_check_digit(nine))) for first, nine in (
            ("سمیه", "008457594"), ("محمد", "049937089"), ("الهام", "127080331"), ("حمید", "228213984"),
            ("نازنین", "396024476"), ("بهروز", "407309456"))]

        def apply(i: int, name: str, clusters: list[str]) -> Any:
            first, code = founders[i % len(founders)]
            return services.apply_new(expert, county=county, submitted_on=today - dt.timedelta(days=20 - i),
                                      data=services.ApplicationData(
                proposed_name=name, founder_name=f"{first} {['رضایی', 'محمدی', 'کریمی'][i % 3]}", founder_code=code,
                founder_mobile="09121234567", manager_name=f"{first} {['رضایی', 'محمدی', 'کریمی'][i % 3]}",
                manager_national_code=code, licence_type=["alef", "be", "jim", "dal"][i % 4], clusters=clusters,
                address=f"قزوین، خیابان نمونه، پلاک {i + 1}", postal_code="3413657891", capacity=40 + 10 * i))

        apply(0, "آموزشگاه آزاد رایانه نوین", [Cluster.ICT])  # waits for its documents to be checked
        returned = apply(1, "آموزشگاه آزاد صنایع فلزی البرز", [Cluster.INDUSTRY])
        services.step(expert, returned, "return_for_correction", note="سند مالکیت یا اجاره‌نامه رسمی پیوست نشده است.")
        checked = apply(2, "آموزشگاه آزاد کشاورزی سبز", [Cluster.AGRICULTURE])
        services.step(expert, checked, "accept_documents", note="مدارک کامل است.")
        inspected = apply(3, "آموزشگاه آزاد برق صنعتی فردا", [Cluster.INDUSTRY])
        services.step(expert, inspected, "accept_documents")
        services.step(expert, inspected, "record_inspection", note="فضا و تجهیزات کارگاه برق مطابق استاندارد است.",
                      day=today - dt.timedelta(days=2), passed=True)
        refused = apply(4, "آموزشگاه آزاد هنرهای تجسمی", [Cluster.CULTURE_ART])
        services.step(expert, refused, "accept_documents")
        services.refuse(manager, refused, reason="فضای آموزشی کمتر از حداقل مساحت نوع «د» (ماده ۶۰ آیین‌نامه) است.")
        # The seed's 275 institutes stay 275: the board's grant this morning is a renewal (below); a founder's
        # application waits at the board (inspected, above).
        # Sanctions on licensed institutes of the province (not the demo manager's own, which stays in good
        # standing, apart from an appeal of its own against a warning).
        mine = own.account.unit
        others = list(Licence.objects.filter(institute__unit__province__code="IR-26", is_current=True,
                                             status=LicenceStatus.ACTIVE, expires_on__gt=today + dt.timedelta(days=400))
                      .exclude(institute__unit=mine)
                      .select_related("institute__unit").order_by("institute__unit__code")[:9])
        if len(others) < 9:
            return
        self._renewal(expert, manager, others.pop())

        def decide(user: Any, licence: Licence, kind: str, reason: str, **terms: Any) -> Decision:
            return services.decide(user, licence, services.DecisionData(kind=kind, reason=reason, **terms))

        decide(manager, others[0], "warning", "نبود فهرست حضور و غیاب روزانه در دو دوره (بازدید نظارتی).")
        decide(manager, others[1], "conditions", "کمبود تجهیزات ایمنی کارگاه.", conditions="نصب تجهیزات ایمنی تا پایان ماه آینده.",
               effective_until=today + dt.timedelta(days=60))
        decide(manager, others[2], "shorten", "تکرار تخلف شهریه بیش از سقف مصوب.",
               new_expiry=min(others[2].expires_on - dt.timedelta(days=1), today + dt.timedelta(days=200)))
        decide(manager, others[3], "enrollment_ban", "به‌کارگیری مربی بدون کارت مربیگری.",
               effective_until=today + dt.timedelta(days=45))
        decide(manager, others[4], "suspend", "تعطیلی بدون اطلاع و ترک کارآموزان در میانه دوره.",
               effective_until=today + dt.timedelta(days=90))
        decide(hq, others[5], "revoke", "تخلف مکرر پس از تعلیق؛ رأی هیأت نظارت مرکزی.")
        decide(manager, others[6], "close", "درخواست مؤسس برای انحلال آموزشگاه.")
        decide(manager, others[7], "suspend", "عدم بازپرداخت شهریه دوره‌ای که زودتر بسته شد (ماده ۴۱).",
               effective_until=today + dt.timedelta(days=60))
        # The demo manager's own institute: conditions it appealed and the central board varied, and a warning
        # whose appeal waits for the central board.
        licence = Licence.objects.get(institute__unit=mine, is_current=True)
        conditions = decide(manager, licence, "conditions", "نبود قرارداد بیمه مسئولیت مدنی کارآموزان.",
                            conditions="ارائه بیمه‌نامه مسئولیت مدنی و گزارش ماهانه حضور کارآموزان.",
                            effective_until=today + dt.timedelta(days=90))
        varied = services.lodge_appeal(own, conditions, "بیمه‌نامه از پیش معتبر بوده و تصویر آن پیوست است.")
        services.rule_on_appeal(hq, varied, "varied", "بیمه‌نامه معتبر بود؛ تنها شرط گزارش ماهانه، برای یک ماه، می‌ماند.",
                                changes=services.DecisionData(
                                    kind=None, reason="", effective_until=today + dt.timedelta(days=30),
                                    conditions="ارائه گزارش ماهانه حضور کارآموزان."))
        warning = decide(manager, licence, "warning", "تأخیر در ثبت ساعت حضور کارآموزان.")
        services.lodge_appeal(own, warning, "ساعت‌های حضور در همان هفته ثبت شده و گزارش سامانه پیوست است.")
        _expiring(today)


def _expiring(today: dt.date) -> None:
    """Two licences near the end of their term and one past it, as every province has: their reminders go out
    this morning (reminders.run), and the expired one can no longer enter new course runs."""
    from maharat.institutes import services
    from maharat.institutes.models import Decision, DecisionKind, Licence, LicenceStatus

    rest = list(Licence.objects.filter(institute__unit__province__code="IR-26", is_current=True,
                                       status=LicenceStatus.ACTIVE).order_by("-institute__unit__code")[:3])
    for licence, days in zip(rest, (25, 80, -10), strict=False):
        grant = Decision.objects.filter(licence=licence, in_force=True,
                                        kind__in=[DecisionKind.GRANT, DecisionKind.RENEW]).order_by("-decided_on").first()
        if grant is None:
            continue
        Decision.objects.filter(pk=grant.pk).update(new_expiry=today + dt.timedelta(days=days))
        services.recompute(Licence.objects.get(pk=licence.pk), today)
