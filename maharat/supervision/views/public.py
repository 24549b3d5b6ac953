"""Public pages, no sign-in: the complaint form and the tracking page. Rate-limited per address; the form is
refused field by field in Persian (control characters, text that is too long, formulas); the tracking page
shows only the status, the deadline and the province's answer, never what was complained or by whom."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from maharat.common.forms import add_errors
from maharat.institutes.models import Licence
from maharat.kit.ratelimit import limited
from maharat.org.models import Unit, UnitKind

from ..forms import PublicComplaintForm
from ..services import complaints as services

SUBMITS_PER_MINUTE = 5  # a person writes one complaint; a script that writes many is refused
LOOKUPS_PER_MINUTE = 30


def _too_many(request: HttpRequest, scope: str, per_minute: int) -> HttpResponse | None:
    if limited(request, scope, per_minute):
        return HttpResponse(_("درخواست‌های شما بیش از حد مجاز است؛ یک دقیقه دیگر دوباره تلاش کنید."), status=429,
                            content_type="text/plain; charset=utf-8")
    return None


def _provinces() -> list[tuple[str, str]]:
    return [(u.code, str(u)) for u in Unit.objects.filter(kind=UnitKind.PROVINCE).order_by("name")]


def _institutes(province: str) -> list[tuple[str, str]]:
    if not province:
        return []
    rows = (Licence.objects.filter(is_current=True, institute__unit__province__code=province,
                                   institute__unit__kind=UnitKind.FREE_INSTITUTE)
            .select_related("institute__unit").order_by("institute__unit__name"))
    return [(lic.institute.unit.code, str(lic.institute.unit)) for lic in rows]


@require_http_methods(["GET", "POST"])
def complain(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        if too_many := _too_many(request, "complaint", SUBMITS_PER_MINUTE):
            return too_many
    elif too_many := _too_many(request, "complaint_form", LOOKUPS_PER_MINUTE):
        return too_many
    data = request.POST if request.method == "POST" else None
    asked = (data or request.GET).get("institute", "")[:32].upper()
    chosen = services.complainable(asked)
    province = (data or request.GET).get("province", "")[:16] or (
        chosen.province.code if chosen is not None and chosen.province is not None else "")
    initial = {"province": province, "institute": chosen.code if chosen else ""}
    form = PublicComplaintForm(data, initial=initial, provinces=_provinces(), institutes=_institutes(province))
    if data is not None and form.is_valid():
        d = form.cleaned_data
        try:
            complaint = services.submit(services.ComplaintData(
                institute=d.get("institute"), complainant_kind=d.get("complainant_kind"), category=d.get("category"),
                description=d.get("description"), name=d.get("name"), mobile=d.get("mobile"),
                sms_consent=d.get("sms_consent")))
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            return redirect(reverse("complaint_track_code", args=[complaint.tracking_code]) + "?new=1")
    return render(request, "supervision/public/complain.html", {
        "title": _("ثبت شکایت از آموزشگاه آزاد"), "form": form, "province": province,
        "institutes_shown": bool(province)})


@require_GET
def track(request: HttpRequest, code: str = "") -> HttpResponse:
    if too_many := _too_many(request, "complaint_track", LOOKUPS_PER_MINUTE):
        return too_many
    asked = (code or request.GET.get("code", ""))[:24]
    complaint = services.track(asked) if asked else None
    return render(request, "supervision/public/track.html", {
        "title": _("پیگیری شکایت"), "asked": asked.strip().upper(), "complaint": complaint,
        "new": bool(code) and request.GET.get("new") == "1"})
