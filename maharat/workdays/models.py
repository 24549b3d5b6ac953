"""The official calendar's public holidays: one row per day, kept by HQ (the weekly rest day is in rules.py)."""

from __future__ import annotations

import re

import jdatetime
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from maharat.common import jalali

TITLE_LENGTH = 200

# C0 and C1 control characters (NUL included), and the bidi embeddings, overrides and isolates: invisible in a
# title, they reorder or hide what is shown around them on every page that prints it.
CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
PERSIAN_LETTERS = re.compile("[\u0600-\u06ff\ufb50-\ufdff\ufe70-\ufeff]")


class HolidayKind(models.TextChoices):
    SOLAR = "solar", _("شمسی")  # a fixed Jalali day
    LUNAR = "lunar", _("قمری")  # a Hijri day: it moves about eleven days a year, and by moon sighting
    # A closure the government declares once (a day of national mourning); provincial closures are not national
    # holidays and are not kept here.
    SPECIAL = "special", _("موردی")


class Holiday(models.Model):
    """A national public holiday. Two occasions on one day are one row with both titles: a day is either a
    working day or not, and deadlines count days."""

    date = models.DateField(_("تاریخ"), unique=True, error_messages={
        "unique": _("برای این روز پیش‌تر تعطیلی ثبت شده است؛ همان را ویرایش کنید و مناسبت را به عنوانش بیفزایید.")})
    title = models.CharField(_("عنوان"), max_length=TITLE_LENGTH)
    # Shown on English pages; holidays are data, so their English names are data too (the seeded ones come
    # with theirs, data/holidays.csv).
    title_en = models.CharField(_("عنوان انگلیسی"), max_length=TITLE_LENGTH, blank=True)
    kind = models.CharField(_("نوع"), max_length=10, choices=HolidayKind.choices)
    # Lunar dates are published ahead from astronomical predictions and may move by a day when the moon is
    # sighted; a date HQ has checked against the announced calendar is confirmed.
    confirmed = models.BooleanField(_("قطعی"), default=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("ثبت‌کننده"), on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+")
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("آخرین ویرایش‌کننده"),
                                   on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(_("زمان ثبت"), auto_now_add=True)
    updated_at = models.DateTimeField(_("زمان ویرایش"), auto_now=True)

    class Meta:
        verbose_name = _("تعطیل رسمی")
        verbose_name_plural = _("تعطیلات رسمی")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{jalali.format_date(self.date, persian_digits=False)} {self.title}"

    @property
    def jalali(self) -> jdatetime.date:
        return jalali.from_gregorian(self.date)

    @property
    def year(self) -> int:
        return self.jalali.year

    @property
    def month(self) -> int:
        return self.jalali.month

    @property
    def day(self) -> int:
        return self.jalali.day

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.date is not None and not jalali.supported_date(self.date):
            errors["date"] = gettext(jalali.YEAR_RANGE_MESSAGE)  # in the platform's catalogue
        for name in ("title", "title_en"):
            if CONTROL.search(getattr(self, name) or ""):
                errors[name] = str(_("نویسه‌های کنترلی یا جهت‌دهی نامرئی در متن مجاز نیست."))
        if not errors.get("title") and self.title and not self.title.strip():  # empty: the field's own rule
            errors["title"] = str(_("عنوان تعطیل را بنویسید."))
        if not errors.get("title_en") and PERSIAN_LETTERS.search(self.title_en or ""):
            errors["title_en"] = str(_("عنوان انگلیسی را با حروف لاتین بنویسید."))
        if errors:
            raise ValidationError(errors)
