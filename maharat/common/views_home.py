"""The home page: today's Jalali date for everyone, the national picture for signed-in users."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from maharat.common import jalali
from maharat.training.selectors import national_counts, yearly_person_hours


class HomeView(TemplateView):
    template_name = "home.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        if self.request.user.is_authenticated:
            this_year = jalali.today().year
            years = list(range(this_year - 5, this_year + 1))
            counts = national_counts()
            ctx["stats"] = [
                (_("استان"), counts["provinces"]),
                (_("شهرستان"), counts["counties"]),
                (_("مرکز دولتی و شعبه"), counts["public_centers"]),
                (_("مرکز جوار کارگاهی"), counts["workplace_centers"]),
                (_("آموزشگاه آزاد"), counts["free_institutes"]),
                (_("مربی"), counts["trainers"]),
                (_("کارگاه"), counts["workshops"]),
                (_("کارآموز"), counts["trainees"]),
                (_("دوره آموزشی"), counts["course_runs"]),
                (_("نفر ساعت امسال"), 0),
            ]
            ctx["yearly"] = yearly_person_hours(years)
            ctx["chart"] = {
                "labels": [str(y) for y in years],
                "values": [ctx["yearly"][y] for y in years],
                "label": str(_("نفر ساعت آموزش")),
            }
            ctx["stats"][-1] = (_("نفر ساعت امسال"), ctx["yearly"][this_year])
        return ctx
