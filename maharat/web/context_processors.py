from django.http import HttpRequest

from maharat.access import policy
from maharat.common import jalali

from .menu import menu_for


def platform(request: HttpRequest) -> dict[str, object]:
    user = getattr(request, "user", None)
    return {
        "today_jalali": jalali.format_date(jalali.today().togregorian(), long=True),
        "actor": policy.actor_of(user) if user is not None else None,
        "menu": menu_for(user),
    }
