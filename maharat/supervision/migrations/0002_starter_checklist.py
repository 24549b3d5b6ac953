"""The starter checklist (version 1, published) and the risk formula's default weights, so that every install can
plan and score visits from its first day. HQ edits both on their pages: a new checklist is a new version, and
visits keep the version they used. The articles cited are those of the institutes' bylaw and executive
instruction (docs/supervision.md); HQ corrects them where its own texts say otherwise."""

from django.db import migrations
from django.utils import timezone

BYLAW_60 = "ماده ۶۰ آیین‌نامه (حداقل فضا و تجهیزات)"
BYLAW_34 = "ماده ۳۴ آیین‌نامه (شرایط مربیان)"
BYLAW_45 = "ماده ۴۵ آیین‌نامه"
BYLAW_68 = "ماده ۶۸ آیین‌نامه (سقف شهریه)"
BYLAW_41 = "ماده ۴۱ آیین‌نامه (تعطیلی دوره و بازپرداخت)"
NAMING = "مواد ۲۶ تا ۲۹ آیین‌نامه (نام مصوب)"
INSTRUCTION = "دستورالعمل اجرایی ۱۳۹۷/۱۲/۲۵"

ITEMS = [
    # area, text, article, weight, severity
    ("safety", "کپسول آتش‌نشانی شارژشده و در دسترس در هر کارگاه", BYLAW_60, 3, "critical"),
    ("safety", "سیم‌کشی و تابلوی برق ایمن، بدون سیم باز یا سیار غیرمجاز", BYLAW_60, 3, "critical"),
    ("safety", "راه خروج اضطراری باز و علامت‌گذاری‌شده", BYLAW_60, 3, "critical"),
    ("safety", "جعبه کمک‌های اولیه کامل و در دسترس", BYLAW_60, 2, "major"),
    ("trainers", "هر مربی کارت مربیگری معتبر دارد", BYLAW_34, 3, "major"),
    ("trainers", "مربی الزامات مربی مندرج در استاندارد آموزشی را دارد", BYLAW_34, 2, "major"),
    ("trainers", "مربی هم‌جنس کارآموزان است یا مجوز هیأت نظارت استان را دارد", BYLAW_45, 2, "major"),
    ("attendance", "دفتر حضور و غیاب روزانه هر کلاس کامل و امضاشده است", INSTRUCTION, 2, "major"),
    ("attendance", "کارآموزان حاضر در کلاس همان ثبت‌نام‌شدگان سامانه‌اند", INSTRUCTION, 3, "major"),
    ("equipment", "تجهیزات کارگاه مطابق فهرست استاندارد آموزشی و سالم است", BYLAW_60, 2, "major"),
    ("equipment", "وسایل حفاظت فردی به تعداد کارآموزان موجود است", BYLAW_60, 2, "major"),
    ("fees", "شهریه دریافتی از سقف مصوب کانون بیشتر نیست", BYLAW_68, 3, "major"),
    ("fees", "تعرفه شهریه در محل آموزشگاه نصب است", BYLAW_68, 1, "minor"),
    ("fees", "شهریه کارآموزان دوره‌ای که زودتر بسته شد کامل بازگردانده شده است", BYLAW_41, 3, "critical"),
    ("premises", "فضای آموزشی با نوع آموزشگاه در پروانه مطابق است", BYLAW_60, 2, "major"),
    ("premises", "تابلوی آموزشگاه نام مصوب در پروانه را دارد", NAMING, 1, "minor"),
    ("premises", "سرویس بهداشتی، نور و تهویه کلاس‌ها مناسب است", BYLAW_60, 1, "minor"),
]


def load(apps, schema_editor):
    # Stored as the write path stores text (common/normalise.py: Latin digits); pages show Persian digits.
    from maharat.common.persian import normalize

    Version = apps.get_model("supervision", "ChecklistVersion")
    Item = apps.get_model("supervision", "ChecklistItem")
    Settings = apps.get_model("supervision", "RiskSettings")
    if not Version.objects.exists():
        version = Version.objects.create(number=1, status="published", published_at=timezone.now(),
                                         note=normalize("چک‌لیست آغازین سامانه"))
        Item.objects.bulk_create([Item(version=version, area=area, text=normalize(text), article=normalize(article), weight=weight,
                                       severity=severity, order=(i + 1) * 10)
                                  for i, (area, text, article, weight, severity) in enumerate(ITEMS)])
    if not Settings.objects.exists():
        Settings.objects.create(pk=1)


def unload(apps, schema_editor):
    apps.get_model("supervision", "ChecklistItem").objects.all().delete()
    apps.get_model("supervision", "ChecklistVersion").objects.all().delete()
    apps.get_model("supervision", "RiskSettings").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("supervision", "0001_initial")]
    operations = [migrations.RunPython(load, unload)]
