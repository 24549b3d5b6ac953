"""The demo's accounts: one per role, on the units whose figures are published (Qazvin), all with the
same password, printed by `maharat demo` and `make run`."""

from __future__ import annotations

from maharat.org.models import PartnerType, Unit, UnitKind

from .base import BuilderBase
from .figures import QAZVIN

DEMO_PASSWORD = "maharat-demo-1404"
DEMO_ACCOUNTS = [
    # username, role, unit, first name, last name
    ("hq_planner", "hq_planner", "hq", "مریم", "برنامه‌ریز"),
    ("hq_viewer", "hq_viewer", "hq", "رضا", "ناظر"),
    ("qazvin_manager", "provincial_manager", "province", "علی", "طاهرخانی"),
    ("qazvin_expert", "provincial_expert", "province", "زهرا", "کارشناس"),
    ("center_head", "center_head", "center", "حسین", "رئیس‌مرکز"),
    ("institute_manager", "institute_manager", "institute", "نرگس", "مدیرآموزشگاه"),
    ("trainer", "trainer", "center", "کاظم", "مربی"),
    ("assessor", "assessor", "center", "سعید", "ارزیاب"),
    ("relief_viewer", "partner_viewer", "partner", "فاطمه", "کمیته‌امداد"),
]
ROLE_LABELS = {
    "hq_planner": "برنامه‌ریز ستاد (کل کشور)",
    "hq_viewer": "ناظر ستاد (فقط مشاهده)",
    "provincial_manager": "مدیر کل استان قزوین",
    "provincial_expert": "کارشناس استان قزوین",
    "center_head": "رئیس مرکز شماره ۱ قزوین",
    "institute_manager": "مدیر یک آموزشگاه آزاد قزوین",
    "trainer": "مربی مرکز شماره ۱ قزوین",
    "assessor": "ارزیاب مرکز شماره ۱ قزوین",
    "partner_viewer": "کمیته امداد استان قزوین (کارآموزان معرفی‌شده)",
}


class AccountSteps(BuilderBase):
    def create_users(self) -> None:
        """One demo account per role, attached to units where the published figures are (Qazvin)."""
        from django.contrib.auth import get_user_model

        from maharat.access.models import Account

        User = get_user_model()
        if not User.objects.filter(username="admin").exists():
            User.objects.create_superuser("admin", "admin@maharat.local", DEMO_PASSWORD, first_name="مدیر", last_name="سامانه")
        units = {
            "hq": Unit.objects.get(code="IR"),
            "province": Unit.objects.get(code=QAZVIN),
            "center": Unit.objects.filter(province__code=QAZVIN, kind=UnitKind.FIXED_CENTER).order_by("code").first(),
            "institute": Unit.objects.filter(province__code=QAZVIN, kind=UnitKind.FREE_INSTITUTE).order_by("code").first(),
            "partner": Unit.objects.filter(province__code=QAZVIN, partner_type=PartnerType.RELIEF).first(),
        }
        for username, role, where, first, last in DEMO_ACCOUNTS:
            unit = units[where]
            if unit is None or User.objects.filter(username=username).exists():
                continue
            user = User.objects.create_user(username, f"{username}@maharat.local", DEMO_PASSWORD, first_name=first, last_name=last)
            Account.objects.create(user=user, role=role, unit=unit)


def demo_logins() -> list[tuple[str, str, str]]:
    """(username, password, what the account is for): printed by `maharat demo` and `make run`."""
    rows = [("admin", DEMO_PASSWORD, "مدیر سامانه (همه استان‌ها و مدیریت پشتیبان)")]
    rows += [(username, DEMO_PASSWORD, ROLE_LABELS[role]) for username, role, *_ in DEMO_ACCOUNTS]
    return rows
