from django.http import HttpRequest

from maharat.access import policy
from maharat.common.templatetags.persian import jalali_today

from .menu import menu_for


def platform(request: HttpRequest) -> dict[str, object]:
    user = getattr(request, "user", None)
    return {
        "today_jalali": jalali_today(),  # in the page's language and digits
        "actor": policy.actor_of(user) if user is not None else None,
        "menu": menu_for(user),
    }
