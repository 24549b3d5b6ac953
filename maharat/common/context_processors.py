from django.http import HttpRequest

from . import jalali


def platform(request: HttpRequest) -> dict[str, object]:
    return {"today_jalali": jalali.format_date(jalali.today().togregorian(), long=True)}
