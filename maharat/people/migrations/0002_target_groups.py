"""The target groups of DOMAIN.md (گروه‌های هدف): reference data every installation needs."""

from django.db import migrations

GROUPS = [
    ("unskilled_jobseekers", "کارجویان فاقد مهارت", "Unskilled job seekers"),
    ("firm_employees", "شاغلان بنگاه‌های اقتصادی", "Employees of firms"),
    ("street_children", "کودکان کار و خیابان", "Working and street children"),
    ("villagers", "روستاییان", "Villagers"),
    ("nomads", "عشایر", "Nomads"),
    ("border_residents", "مرزنشینان", "Border residents"),
    ("welfare_clients", "مددجویان بهزیستی", "Welfare Organisation clients"),
    ("relief_clients", "مددجویان کمیته امداد", "Relief Committee clients"),
    ("conscripts", "سربازان وظیفه", "Conscript soldiers"),
    ("prisoners", "زندانیان", "Prisoners"),
    ("addiction_treatment", "افراد مستقر در مراکز ترک اعتیاد", "Residents of addiction-treatment centers"),
    ("female_heads", "زنان سرپرست خانوار", "Female heads of household"),
    ("socially_vulnerable", "اقشار آسیب‌دیده اجتماعی", "Socially vulnerable people"),
    ("university_students", "دانشجویان", "University students"),
    ("graduates", "دانش‌آموختگان", "University graduates"),
    ("kardanesh_students", "دانش‌آموزان کاردانش", "Work-and-knowledge students"),
    ("disabled", "افراد دارای معلولیت", "People with disabilities"),
    ("refugees", "پناهندگان", "Refugees"),
    ("foreign_nationals", "اتباع خارجی", "Foreign nationals"),
]


def load(apps, schema_editor):
    TargetGroup = apps.get_model("people", "TargetGroup")
    for order, (code, name, name_en) in enumerate(GROUPS, start=1):
        TargetGroup.objects.update_or_create(code=code, defaults={"name": name, "name_en": name_en, "order": order})


class Migration(migrations.Migration):
    dependencies = [("people", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
