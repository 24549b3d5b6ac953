"""The indicator catalogue: every figure the monitoring pages show is defined here, once.

Additive measures (sums that roll up the tree) are stored per unit and month in the summary tables
(monitoring/models.py); each indicator is a measure or a ratio of two. Definitions:

- trainees: distinct people, each counted once a year, at the unit and month of the course that ends
  first for them that year (so provinces add up to the national figure exactly);
- enrollments: course places taken (every enrollment, whatever its status);
- completed: enrollments with status "completed";
- person_hours: Σ hours attended (training/figures.py is the single definition);
- shares of women, rural and nomad residents, income deciles 1–3 and target groups: of enrollments;
- private-sector and workplace shares: of person-hours;
- person-hours per trainer: person-hours ÷ active trainers whose home unit is in the subtree;
- workshop utilisation: person-hours trained in workshops ÷ (seats × 1,760 available hours a year,
  pro-rata to the months covered);
- certificates, pass rate: from skill assessment (zero until certification is recorded).
Everything counts in the Jalali month its course run ends.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

WORKSHOP_HOURS_PER_SEAT_YEAR = 1760  # 8 hours × 220 working days

# Additive measures kept in the summary tables, in this order.
MEASURES = (
    "enrollments", "completed", "dropped", "person_hours", "women", "rural_nomad", "low_decile",
    "workplace_person_hours", "workshop_person_hours", "trainees", "certificates", "assessed", "passed",
)


@dataclass(frozen=True)
class Indicator:
    key: str
    label: str
    unit: str
    numerator: str
    denominator: str | None = None  # a measure, "trainers" or "workshop_capacity"
    percent: bool = False
    committable: bool = True  # may carry an annual commitment
    key_indicator: bool = False  # shown on the national scorecard overview

    @property
    def is_ratio(self) -> bool:
        return self.denominator is not None


INDICATORS: dict[str, Indicator] = {
    i.key: i
    for i in (
        Indicator("person_hours", _("نفر ساعت آموزش"), _("نفر ساعت"), "person_hours", key_indicator=True),
        Indicator("trainees", _("کارآموز (نفر)"), _("نفر"), "trainees", key_indicator=True),
        Indicator("enrollments", _("شرکت‌کننده (نفر دوره)"), _("نفر دوره"), "enrollments", key_indicator=True),
        Indicator("completed", _("پایان دوره"), _("نفر"), "completed", key_indicator=True),
        Indicator("certificates", _("گواهینامه مهارت"), _("فقره"), "certificates", key_indicator=True),
        Indicator("pass_rate", _("نرخ قبولی آزمون"), "%", "passed", "assessed", percent=True),
        Indicator("private_share", _("سهم بخش خصوصی از نفر ساعت"), "%", "private_person_hours", "person_hours", percent=True),
        Indicator("rural_nomad_share", _("سهم روستاییان و عشایر"), "%", "rural_nomad", "enrollments", percent=True),
        Indicator("women_share", _("سهم زنان"), "%", "women", "enrollments", percent=True),
        Indicator("low_decile_share", _("سهم دهک‌های ۱ تا ۳"), "%", "low_decile", "enrollments", percent=True),
        Indicator("workplace_share", _("سهم آموزش در محیط کار واقعی"), "%", "workplace_person_hours", "person_hours", percent=True),
        Indicator("person_hours_per_trainer", _("نفر ساعت به ازای هر مربی"), _("نفر ساعت"), "person_hours", "trainers",
                  committable=False),
        Indicator("workshop_utilisation", _("بهره‌وری کارگاه‌ها"), "%", "workshop_person_hours", "workshop_capacity",
                  percent=True, committable=False),
    )
}


def get(key: str) -> Indicator:
    return INDICATORS[key]


def compute(indicator: Indicator, measures: dict[str, float]) -> float:
    """The indicator's value from measures (private_person_hours, trainers, workshop_capacity included)."""
    num = float(measures.get(indicator.numerator, 0) or 0)
    if indicator.denominator is None:
        return num
    den = float(measures.get(indicator.denominator, 0) or 0)
    if den == 0:
        return 0.0
    return num / den * (100 if indicator.percent else 1)
