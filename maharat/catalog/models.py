from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class Cluster(models.TextChoices):
    """The six clusters free institutes are licensed in (DOMAIN.md); standards use the same ones."""

    SERVICES = "services", _("خدمات")
    INDUSTRY = "industry", _("صنعت")
    AGRICULTURE = "agriculture", _("کشاورزی")
    ICT = "ict", _("فناوری اطلاعات و نرم‌افزار")
    CULTURE_ART = "culture_art", _("فرهنگ و هنر")
    LIFESTYLE = "lifestyle", _("سبک زندگی")


class Standard(models.Model):
    """An occupational training standard (استاندارد آموزشی): what a course run teaches, and for how long."""

    class Level(models.IntegerChoices):
        ONE = 1, _("درجه ۱")
        TWO = 2, _("درجه ۲")
        THREE = 3, _("درجه ۳")

    code = models.CharField(_("کد استاندارد"), max_length=20, unique=True, help_text=_("مثلاً ۷۲۳۱-۵۳-۰۰۱-۱"))
    title = models.CharField(_("عنوان"), max_length=200)
    title_en = models.CharField(_("عنوان انگلیسی"), max_length=200, blank=True)
    cluster = models.CharField(_("خوشه"), max_length=20, choices=Cluster.choices, db_index=True)
    isco_code = models.CharField(_("کد ISCO"), max_length=4, blank=True)
    theory_hours = models.PositiveSmallIntegerField(_("ساعت نظری"))
    practice_hours = models.PositiveSmallIntegerField(_("ساعت عملی"))
    level = models.PositiveSmallIntegerField(_("سطح"), choices=Level.choices, default=Level.TWO)
    is_active = models.BooleanField(_("فعال"), default=True)

    class Meta:
        verbose_name = _("استاندارد آموزشی")
        verbose_name_plural = _("استانداردهای آموزشی")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(theory_hours__gt=0) | models.Q(practice_hours__gt=0),
                name="standard_has_hours",
                violation_error_message=_("استاندارد باید دست‌کم یک ساعت آموزش نظری یا عملی داشته باشد."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.local_title} ({self.code})"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("standard_detail", args=[self.pk])

    @property
    def local_title(self) -> str:
        """The title in the page's language: the English twin on English pages where there is one."""
        return self.title_en if self.title_en and get_language() == "en" else self.title

    @property
    def total_hours(self) -> int:
        return self.theory_hours + self.practice_hours
