from django.http import HttpRequest

from maharat.common import jalali


def platform(request: HttpRequest) -> dict[str, object]:
    from maharat.access import policy

    user = getattr(request, "user", None)
    return {
        "today_jalali": jalali.format_date(jalali.today().togregorian(), long=True),
        "actor": policy.actor_of(user) if user is not None else None,
    }
