from __future__ import annotations

from typing import Any

from django.db.models import Count, Model
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from maharat.access import policy
from maharat.common.tables import Column
from maharat.kit.registers import RegisterCreateView, RegisterDetailView, RegisterListView, RegisterUpdateView

from . import selectors, services
from .forms import UnitForm
from .models import Unit, UnitKind


class UnitViewMixin:
    model = Unit
    url_prefix = "unit"
    slug_field = "code"
    slug_url_kwarg = "code"

    def get_success_url(self) -> str:
        return reverse("unit_detail", args=[self.object.code])  # type: ignore[attr-defined]


class UnitListView(UnitViewMixin, RegisterListView):
    columns = [Column("code", link=True), Column("name", link=True), Column("kind"), Column("parent__name", _("واحد بالادست")),
               Column("province__name", _("استان"))]
    filters = [("kind", _("نوع واحد"), list(UnitKind.choices))]

    def get_queryset(self):  # type: ignore[no-untyped-def]
        units = selectors.unit_list(kind=self.request.GET.get("kind", ""), query=self.request.GET.get("q", "").strip())
        return policy.scope(self.request.user, units)

    def apply_filters(self, qs):  # type: ignore[no-untyped-def]
        return qs


class UnitDetailView(UnitViewMixin, RegisterDetailView):
    template_name = "org/unit_detail.html"
    fields = ["code", "kind", "name_en", Column("parent__name", _("واحد بالادست")), "cluster", "partner_type", "address", "phone",
              "established_on", "is_active"]

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        unit: Unit = self.object
        ctx["breadcrumbs"] = selectors.visible_ancestors(self.request.user, unit)
        ctx["children"] = (
            unit.children.annotate(n_children=Count("children")).order_by("kind", "code")
        )
        ctx["counts"] = selectors.subtree_counts(unit)
        ctx["kinds"] = UnitKind.choices
        return ctx


class UnitCreateView(UnitViewMixin, RegisterCreateView):
    form_class = UnitForm

    def get_initial(self) -> dict[str, Any]:
        initial = super().get_initial()
        parent_code = self.request.GET.get("parent")
        if parent_code:
            initial["parent"] = get_object_or_404(Unit, code=parent_code.upper())
        return initial

    def save(self, form: UnitForm) -> Model:
        data = dict(form.cleaned_data)
        return services.unit_create(**data)


class UnitUpdateView(UnitViewMixin, RegisterUpdateView):
    form_class = UnitForm

    def save(self, form: UnitForm) -> Model:
        data = {k: v for k, v in form.cleaned_data.items() if k not in ("code", "kind")}
        return services.unit_update(unit=form.instance, **data)
