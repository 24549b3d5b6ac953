"""The home page: today's Jalali date for everyone; the picture of the user's own part of the tree once signed in."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from maharat.access import policy
from maharat.common import jalali
from maharat.monitoring.selectors import Progress, period_text, year_measures
from maharat.training.selectors import unit_counts


class HomeView(TemplateView):
    template_name = "home.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        actor = policy.actor_of(self.request.user)
        if actor.unit is None or actor.referral:
            return ctx
        this_year = jalali.today().year
        years = list(range(this_year - 5, this_year + 1))
        counts = unit_counts(actor.unit)
        # From the summary tables, as every figure of monitoring: a national home page must not add up ten
        # million enrollments on each visit.
        # The same definition as the scorecards, the reports and the API (selectors.year_measures): this year
        # up to the current month, a course counting in the month it ends (issue 15).
        measures = {y: year_measures([actor.unit.pk], y)[actor.unit.pk] for y in years}
        yearly = {y: int(m["person_hours"]) for y, m in measures.items()}
        ctx["home_unit"] = actor.unit
        ctx["period"] = period_text(Progress.of(this_year), actor.unit)
        ctx["yearly"] = yearly
        ctx["stats"] = [
            (_("استان"), counts["provinces"]),
            (_("شهرستان"), counts["counties"]),
            (_("مرکز دولتی و شعبه"), counts["public_centers"]),
            (_("مرکز جوار کارگاهی"), counts["workplace_centers"]),
            (_("آموزشگاه آزاد"), counts["free_institutes"]),
            (_("مربی"), counts["trainers"]),
            (_("کارگاه"), counts["workshops"]),
            (_("کارآموز امسال"), int(measures[this_year]["trainees"])),
            (_("دوره آموزشی"), counts["course_runs"]),
            (_("نفر ساعت امسال"), yearly[this_year]),
        ]
        ctx["chart"] = {
            "labels": [str(y) for y in years],
            "values": [yearly[y] for y in years],
            "label": str(_("نفر ساعت آموزش")),
        }
        return ctx
