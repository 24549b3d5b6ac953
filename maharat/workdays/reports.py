"""The year's holidays as a file (CSV, xlsx), from the same rows as the table under the calendar."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from django.utils.translation import gettext as _

from maharat.common.persian import localize_digits
from maharat.common.tabular import Cell
from maharat.kit.reports import Report

from . import selectors
from .grid import weekday_name
from .models import Holiday


@dataclass
class HolidayReport(Report):
    year: int
    model = Holiday

    @property
    def title(self) -> str:
        return _("تعطیلات رسمی سال {year}").format(year=localize_digits(self.year))

    @property
    def filename(self) -> str:
        return f"holidays-{self.year}"

    def headers(self) -> Sequence[str]:
        return [_("تاریخ"), _("روز هفته"), _("تاریخ میلادی"), _("عنوان"), _("عنوان انگلیسی"), _("نوع"), _("قطعی")]

    def rows(self) -> Iterator[Sequence[Cell]]:
        yes, no = _("بله"), _("خیر")
        for h in selectors.year_holidays(self.year):
            yield [h.date, str(weekday_name(h.date)), h.date.isoformat(), h.title, h.title_en, h.get_kind_display(),
                   yes if h.confirmed else no]

    def notes(self) -> list[str]:
        return [_("جمعه‌ها تعطیل هفتگی‌اند و در این فهرست نیامده‌اند، مگر آنکه مناسبتی داشته باشند.")]
