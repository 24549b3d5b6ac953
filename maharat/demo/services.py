"""The demo country's platform services: follow-up items in Qazvin (one coming due, one answered and waiting
for the province, one overdue and escalated), raised and answered through the same services as the pages,
and this morning's reminders, so that every role finds its inbox and "what I owe" list as a real day would
leave them."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model

from .base import BuilderBase


class ServiceSteps(BuilderBase):
    def build_services(self) -> None:
        from maharat.approval import reminders as report_reminders
        from maharat.followup import reminders, services
        from maharat.followup.models import FollowUp

        users = {u.username: u for u in get_user_model().objects.filter(
            username__in=("qazvin_manager", "center_head", "institute_manager", "hq_planner")).select_related("account__unit")}
        if len(users) < 4 or FollowUp.objects.exists():
            return
        manager, head, institute = users["qazvin_manager"], users["center_head"], users["institute_manager"]
        center, school = head.account.unit, institute.account.unit
        today = self.today
        services.raise_item(manager, owner_unit=center, owner_person=head, working_days=10,
                            title="اصلاح ساعت حضور کارآموزان دوره‌های آبان",
                            description="در بازدید نظارتی، ساعت حضور سه دوره با فهرست حضور و غیاب یکسان نبود.")
        answered = services.raise_item(manager, owner_unit=center, owner_person=head, working_days=15,
                                       start=today - dt.timedelta(days=7),
                                       title="نصب کپسول آتش‌نشانی در کارگاه برق صنعتی",
                                       description="کارگاه برق صنعتی کپسول آتش‌نشانی شارژشده ندارد.")
        services.respond(head, answered, "دو کپسول شش کیلوگرمی نصب و برگه شارژ آن پیوست شد.")
        late = services.raise_item(manager, owner_unit=school, owner_person=institute, working_days=5,
                                   start=today - dt.timedelta(days=3),
                                   title="تمدید بیمه مسئولیت مدنی آموزشگاه",
                                   description="بیمه‌نامه مسئولیت مدنی آموزشگاه منقضی شده است.")
        # Its deadline moved two days back: the demo opens on a morning after that deadline has passed.
        FollowUp.objects.filter(pk=late.pk).update(due=today - dt.timedelta(days=2))
        services.raise_item(users["hq_planner"], owner_unit=manager.account.unit, owner_person=manager,
                            working_days=20, title="تکمیل صلاحیت‌های مربیان استان در سامانه",
                            description="صلاحیت‌های حرفه‌ای مربیان پیش از جشنواره مهارت کامل شود.")
        reminders.run(today)
        report_reminders.run(today)
