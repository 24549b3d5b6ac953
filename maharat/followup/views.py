"""Pages: the list (what my unit owes, what we raised, everything in my reach), an item's page with the
actions the user may take, the form that raises an item, and the owner-person chooser the form refreshes.
Every read goes through the permission layer, every write through services."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from maharat.access import policy
from maharat.common.forms import add_errors
from maharat.common.tables import Column
from maharat.kit import workflow
from maharat.kit.registers import RegisterCreateView, RegisterDetailView, RegisterListView

from . import selectors, services
from .forms import FollowUpForm
from .models import FollowUp, FollowUpStatus
from .rules import KIND

TABS = {"owed": gettext_lazy("بر عهده واحد من"), "raised": gettext_lazy("ثبت‌شده توسط واحد من"),
        "all": gettext_lazy("همه در حوزه من")}
OVERDUE_CHOICES = [("yes", cast(str, gettext_lazy("مهلت گذشته"))),
                   ("no", cast(str, gettext_lazy("در مهلت یا پایان‌یافته")))]


class FollowUpList(RegisterListView):
    model = FollowUp
    url_prefix = "followup"
    template_name = "followup/list.html"
    columns = [
        Column("title", link=True), Column("owner_unit"), Column("owner_person"), Column("due"),
        Column("deadline_text", cast(str, gettext_lazy("مانده"))), Column("status"), Column("raised_unit"),
        Column("escalated_to"),
    ]
    filters = [("status", cast(str, gettext_lazy("وضعیت")), cast(list[tuple[str, str]], FollowUpStatus.choices)),
               ("overdue", cast(str, gettext_lazy("مهلت")), OVERDUE_CHOICES)]

    def tab(self) -> str:
        asked = self.request.GET.get("tab", "")
        if asked in TABS:
            return asked
        # Who only answers items starts on what they owe; who raises them, on everything in their reach.
        user = self.request.user
        return "owed" if policy.may(user, "respond", KIND) and not policy.may(user, "add", KIND) else "all"

    def apply_filters(self, qs: QuerySet) -> QuerySet:
        get = self.request.GET.get
        if get("status") in FollowUpStatus.values:
            qs = qs.filter(status=get("status"))
        if get("overdue") == "yes":
            qs = selectors.overdue(qs)
        elif get("overdue") == "no":
            qs = selectors.not_overdue(qs)
        unit = policy.actor_of(self.request.user).unit
        tab = self.tab()
        if tab == "owed":
            qs = qs.filter(owner_unit=unit) if unit is not None else qs.none()
        elif tab == "raised":
            qs = qs.filter(raised_unit=unit) if unit is not None else qs.none()
        return qs.select_related(*selectors.RELATED)

    def search(self, qs: QuerySet, query: str) -> QuerySet:
        return qs.filter(Q(title__icontains=query) | Q(owner_unit__code=query.upper())
                         | Q(owner_unit__name__icontains=query))

    def get_template_names(self) -> list[str]:
        if getattr(self.request, "htmx", False) and not self.request.htmx.boosted:  # type: ignore[attr-defined]
            return ["followup/partials/table.html"]
        return [self.template_name]

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        unit = policy.actor_of(self.request.user).unit
        # How many live items each of the unit's own tabs holds, and how many it owes are overdue.
        live: dict[str, int] = {}
        ctx["owed_overdue"] = 0
        if unit is not None:
            owed = selectors.owed(unit).filter(settled=False)
            live = {"owed": owed.count(), "raised": selectors.raised_by_unit(unit).filter(settled=False).count()}
            ctx["owed_overdue"] = selectors.overdue(owed).count()
        ctx["tabs"] = [(key, label, live.get(key)) for key, label in TABS.items()]
        ctx["tab"] = self.tab()
        ctx["tab_hidden"] = [("tab", ctx["tab"])]  # the search keeps the tab (common/partials/register_filters.html)
        ctx["title"] = _("پیگیری‌ها")
        return ctx


class FollowUpDetail(RegisterDetailView):
    model = FollowUp
    url_prefix = "followup"
    template_name = "followup/detail.html"

    def get_queryset(self) -> QuerySet:
        return super().get_queryset().select_related(*selectors.RELATED, "raised_by__account__unit")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        item: FollowUp = self.object
        user = self.request.user
        ctx.update({
            "item": item, "actions": workflow.available(item, user), "steps": workflow.history(item, user),
            "source": selectors.source_of(user, item),
            "raiser": selectors.shown_person(user, item.raised_by),
            "can_edit": False,  # the terms of an item are not edited (records.py); it is cancelled and raised anew
        })
        return ctx


class FollowUpCreate(RegisterCreateView):
    model = FollowUp
    url_prefix = "followup"
    form_class = FollowUpForm
    template_name = "common/form.html"

    def get_initial(self) -> dict[str, Any]:
        unit = self.request.GET.get("unit", "")
        return {"owner_unit": unit[:32]} if unit else {}

    def form_valid(self, form: Any) -> HttpResponse:
        data = form.cleaned_data
        try:
            self.object = services.raise_item(
                self.request.user, owner_unit=data["owner_unit"], owner_person=data.get("owner_person"),
                title=data["title"], description=data.get("description", ""), start=data.get("start"),
                working_days=data["working_days"])
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
            return self.form_invalid(form)
        except ValidationError as exc:
            add_errors(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, _("پیگیری «{title}» ثبت شد و به {unit} اطلاع داده شد.").format(
            title=self.object.title, unit=self.object.owner_unit))
        return redirect(self.object.get_absolute_url())


ACTIONS: dict[str, Callable[[Any, FollowUp, str], FollowUp]] = {"respond": services.respond, "verify": services.verify, "reject": services.reject,
           "cancel": services.cancel}
DONE = {"respond": gettext_lazy("انجام پیگیری اعلام شد."), "verify": gettext_lazy("پیگیری تأیید و بسته شد."),
        "reject": gettext_lazy("پیگیری رد شد و به واحد مسئول بازگشت."), "cancel": gettext_lazy("پیگیری لغو شد.")}


@login_required
@require_POST
def transition(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    policy.require_may(request.user, "view", KIND)
    if action not in ACTIONS:
        raise Http404
    # Outside the user's reach the item does not exist for them; inside it, an action they may not take is a 403.
    item = get_object_or_404(selectors.visible(request.user), pk=pk)
    try:  # the note is the service's to check (required where it must be, its length, no control characters)
        ACTIONS[action](request.user, item, request.POST.get("note", ""))
    except ValidationError as exc:
        for text in exc.messages:
            messages.error(request, text)
    else:
        messages.success(request, str(DONE[action]))
    return redirect(item.get_absolute_url())


@login_required
@require_GET
def people(request: HttpRequest) -> HttpResponse:
    """The owner-person chooser for the unit typed in the form (htmx swaps it in)."""
    policy.require_may(request.user, "add", KIND)
    form = FollowUpForm(user=request.user, initial={"owner_unit": request.GET.get("owner_unit", "")[:32]})
    return HttpResponse(str(form["owner_person"]))
