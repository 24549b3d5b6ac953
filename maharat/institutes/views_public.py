"""Public pages: the register of licensed institutes (searchable, a stable page per institute) and the
licence verification the licence's QR code opens. No personal data: no founder, manager or national code;
only what a citizen choosing an institute, or an employer checking a licence, needs. Rate-limited per address."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from maharat.catalog.models import Cluster
from maharat.common.persian import normalize_digits
from maharat.kit.ratelimit import limited
from maharat.org.models import Unit, UnitKind

from . import selectors
from .models import Licence, LicenceStatus

PAGE = 50
PUBLIC_STATUSES = [(s.value, s.label) for s in LicenceStatus]


def _too_many(request: HttpRequest) -> HttpResponse | None:
    if limited(request, "institutes"):
        return HttpResponse(_("درخواست‌های شما بیش از حد مجاز است؛ یک دقیقه دیگر دوباره تلاش کنید."), status=429,
                            content_type="text/plain; charset=utf-8")
    return None


@require_GET
def register(request: HttpRequest) -> HttpResponse:
    if too_many := _too_many(request):
        return too_many
    get = request.GET.get
    q = normalize_digits(get("q", ""))[:100].strip()
    province = get("province", "")[:16]
    cluster = get("cluster", "") if get("cluster", "") in Cluster.values else ""
    status = get("status", "") if get("status", "") in LicenceStatus.values else ""
    rows = selectors.register(q=q, province=province, cluster=cluster, status=status)
    page = Paginator(rows, PAGE).get_page(get("page"))
    provinces = Unit.objects.filter(kind=UnitKind.PROVINCE).order_by("name")
    return render(request, "institutes/public/register.html", {
        "title": _("فهرست آموزشگاه‌های آزاد دارای پروانه"), "page_obj": page, "q": q, "province": province,
        "cluster": cluster, "status": status, "provinces": provinces, "clusters": Cluster.choices,
        "statuses": PUBLIC_STATUSES})


@require_GET
def institute_page(request: HttpRequest, code: str) -> HttpResponse:
    """A stable address per institute (its unit code), whatever happens to its licence."""
    if too_many := _too_many(request):
        return too_many
    licence = (Licence.objects.filter(is_current=True, institute__unit__code=code.upper()[:32])
               .select_related("institute__unit__county", "institute__unit__province").prefetch_related("fields")
               .first())
    if licence is None:
        raise Http404
    return render(request, "institutes/public/institute.html", {
        "title": licence.institute.unit.name, "licence": licence, "unit": licence.institute.unit,
        "sanctions": _public_sanctions(licence)})


def _public_sanctions(licence: Licence) -> list[object]:
    """Decisions in force that the public is told of, as regulators publish them: kind, dates, appeal status."""
    from .models import SANCTIONS, Decision

    return list(Decision.objects.filter(licence=licence, in_force=True, kind__in=[k.value for k in SANCTIONS])
                .exclude(kind="warning").prefetch_related("appeals").order_by("-decided_on"))


@require_GET
def verify(request: HttpRequest, number: str = "") -> HttpResponse:
    if too_many := _too_many(request):
        return too_many
    asked = normalize_digits(number or request.GET.get("number", ""))[:24].strip().upper()
    licence = (Licence.objects.filter(number=asked).select_related("institute__unit__county").prefetch_related("fields")
               .first() if asked else None)
    return render(request, "institutes/public/verify.html", {
        "title": _("استعلام پروانه آموزشگاه آزاد"), "asked": asked, "licence": licence,
        "unit": licence.institute.unit if licence else None})
