"""The supervision method HQ sets: the checklist's versions (a draft edited, then published) and the risk
formula's weights and visit intervals. Everyone on supervision's side reads them; HQ's planner changes them."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from maharat.access import policy
from maharat.common.forms import add_errors

from .. import risk
from ..forms import ItemForm, SettingsForm
from ..models import Area, ChecklistItem, ChecklistStatus, ChecklistVersion
from ..rules import CHECKLIST_KIND
from ..services import checklist as services
from ..services import settings as settings_services
from ..services.checklist import ItemData


def _may_edit(user: Any) -> bool:
    return policy.may(user, "change", CHECKLIST_KIND)


@login_required
def checklist_list(request: HttpRequest) -> HttpResponse:
    policy.require_may(request.user, "view", CHECKLIST_KIND)
    versions = ChecklistVersion.objects.order_by("-number").prefetch_related("items")
    return render(request, "supervision/checklist_list.html", {
        "title": _("چک‌لیست نظارت"), "versions": versions, "may_edit": _may_edit(request.user),
        "draft": versions.filter(status=ChecklistStatus.DRAFT).first()})


def _by_area(version: ChecklistVersion) -> list[tuple[str, list[ChecklistItem]]]:
    names = dict(Area.choices)
    grouped: dict[str, list[ChecklistItem]] = {}
    for item in version.items.order_by("order", "pk"):
        grouped.setdefault(item.area, []).append(item)
    return [(str(names[a]), grouped[a]) for a in Area.values if a in grouped]


@login_required
def checklist_detail(request: HttpRequest, pk: int) -> HttpResponse:
    policy.require_may(request.user, "view", CHECKLIST_KIND)
    version = get_object_or_404(ChecklistVersion, pk=pk)
    editable = version.is_draft and _may_edit(request.user)
    return render(request, "supervision/checklist_detail.html", {
        "title": str(version), "version": version, "areas": _by_area(version), "editable": editable,
        "item_form": ItemForm(user=request.user, initial={"weight": 1, "severity": "major"}) if editable else None,
        "visits": version.visits.count()})


@login_required
@require_POST
def checklist_draft(request: HttpRequest) -> HttpResponse:
    policy.require_may(request.user, "add", CHECKLIST_KIND)
    draft = services.open_draft(request.user, request.POST.get("note", ""))
    return redirect(draft.get_absolute_url())


def _item_data(form: ItemForm) -> ItemData:
    d = form.cleaned_data
    return ItemData(area=d.get("area") or "", text=d.get("text") or "", article=d.get("article") or "",
                    weight=d.get("weight"), severity=d.get("severity") or "", order=d.get("order"))


@login_required
def item_edit(request: HttpRequest, pk: int, item: int | None = None) -> HttpResponse:
    user = request.user
    policy.require_may(user, "change", CHECKLIST_KIND)
    version = get_object_or_404(ChecklistVersion, pk=pk)
    target = get_object_or_404(ChecklistItem, pk=item, version=version) if item is not None else None
    initial = {k: getattr(target, k) for k in ("area", "text", "article", "weight", "severity", "order")} \
        if target is not None else {"weight": 1, "severity": "major"}
    form = ItemForm(request.POST or None, user=user, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_item(user, version, _item_data(form), target)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("بند ذخیره شد."))
            return redirect(version.get_absolute_url())
    return render(request, "supervision/item_form.html", {
        "form": form, "version": version, "item": target,
        "title": _("ویرایش بند") if target is not None else _("بند تازه")})


@login_required
@require_POST
def item_remove(request: HttpRequest, pk: int, item: int) -> HttpResponse:
    policy.require_may(request.user, "change", CHECKLIST_KIND)
    target = get_object_or_404(ChecklistItem, pk=item, version_id=pk)
    try:
        services.remove_item(request.user, target)
    except ValidationError as exc:
        for text in exc.messages:
            messages.error(request, text)
    else:
        messages.success(request, _("بند حذف شد."))
    return redirect("checklist_detail", pk=pk)


@login_required
@require_POST
def checklist_publish(request: HttpRequest, pk: int) -> HttpResponse:
    policy.require_may(request.user, "change", CHECKLIST_KIND)
    version = get_object_or_404(ChecklistVersion, pk=pk)
    try:
        services.publish(request.user, version)
    except ValidationError as exc:
        for text in exc.messages:
            messages.error(request, text)
    else:
        messages.success(request, _("نسخه {n} منتشر شد؛ بازدیدهای تازه با آن برنامه‌ریزی می‌شوند.").format(
            n=version.number))
    return redirect(version.get_absolute_url())


@login_required
def risk_settings(request: HttpRequest) -> HttpResponse:
    user = request.user
    policy.require_may(user, "view", CHECKLIST_KIND)
    current = risk.settings_now()
    editable = _may_edit(user)
    if request.method == "POST" and not editable:
        raise PermissionDenied(_("نقش شما اجازه تغییر وزن‌ها را ندارد."))
    form = SettingsForm(request.POST or None, user=user, instance=current)
    if request.method == "POST" and form.is_valid():
        try:
            settings_services.update(user, form.cleaned_data)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("وزن‌ها و فاصله‌های بازدید ذخیره شد."))
            return redirect("risk_settings")
    return render(request, "supervision/risk_settings.html", {
        "title": _("وزن‌های ریسک و فاصله بازدید"), "form": form, "editable": editable, "settings": current})
