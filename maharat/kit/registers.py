"""Generic list / detail / create / edit pages shared by every register of the platform.

A register (units, trainees, ...) declares its queryset, columns, form and search; these classes give
it pagination, search with Persian normalisation, breadcrumbs, htmx partial rendering and the same
error handling everywhere. Every queryset goes through the permission layer (access.policy) and every
write through access.writes, so a register cannot forget either.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError
from django.db.models import Model, QuerySet
from django.http import HttpResponse, HttpResponseBase
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views import generic

from maharat.access import policy, writes
from maharat.audit.selectors import history_of
from maharat.audit.services import log_read
from maharat.common.tables import Column, display, export_value
from maharat.common.tabular import Cell
from maharat.kit.sections import sections_for

from .reports import Report, serve


class RegisterMixin(LoginRequiredMixin):
    model: type[Model]
    title: str = ""
    url_prefix: str = ""  # URL names are "<prefix>_list", "<prefix>_detail", ...
    action = "view"

    @property
    def record(self) -> str:
        return policy.record_of(self.model)

    def dispatch(self, request: Any, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.user.is_authenticated:
            policy.require_may(request.user, self.action, self.record)
        return super().dispatch(request, *args, **kwargs)  # type: ignore[misc]

    def get_queryset(self) -> QuerySet:
        # Objects outside the user's subtree are simply not found (404), never revealed.
        return policy.scope(self.request.user, super().get_queryset(), self.action)  # type: ignore[misc]

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)  # type: ignore[misc]
        ctx.setdefault("title", self.title or self.model._meta.verbose_name_plural)
        ctx["url_prefix"] = self.url_prefix
        ctx["verbose_name"] = self.model._meta.verbose_name
        ctx["verbose_name_plural"] = self.model._meta.verbose_name_plural
        user = self.request.user  # type: ignore[attr-defined]
        ctx["may_add"] = policy.may(user, "add", self.record)
        ctx["may_change"] = policy.may(user, "change", self.record)
        return ctx


class RegisterReport(Report):
    """A register's list as a report: one row per record, read in chunks while the file is written."""

    model: type[Model]

    def __init__(self, model: type[Model], columns: list[Column], queryset: Callable[[], QuerySet],
                 filename: str) -> None:
        self.model, self.columns, self.queryset, self._filename = model, columns, queryset, filename

    @property
    def title(self) -> str:
        return str(self.model._meta.verbose_name_plural)

    @property
    def filename(self) -> str:
        return self._filename

    def headers(self) -> Sequence[str]:
        return [c.header(self.model) for c in self.columns]

    def rows(self) -> Iterator[Sequence[Cell]]:
        # The queryset now, in the view (scope and filters fail there, as a page); its rows while the file is sent.
        records = self.queryset().iterator(chunk_size=2000)
        return ([export_value(obj, c.field) for c in self.columns] for obj in records)


class RegisterListView(RegisterMixin, generic.ListView):
    template_name = "common/list.html"
    columns: list[Column] = []
    filters: list[tuple[str, str, list[tuple[str, str]]]] = []  # (param, label, choices)
    can_create = True

    def get_paginate_by(self, queryset: QuerySet) -> int:
        return settings.MAHARAT_PAGE_SIZE

    def search(self, qs: QuerySet, query: str) -> QuerySet:
        return qs

    def apply_filters(self, qs: QuerySet) -> QuerySet:
        for param, _label, _choices in self.filters:
            value = self.request.GET.get(param)
            if value:
                qs = qs.filter(**{param: value})
        return qs

    def get_queryset(self) -> QuerySet:
        qs = self.apply_filters(super().get_queryset())
        query = self.request.GET.get("q", "").strip()
        return self.search(qs, query) if query else qs

    # An export is a streamed response, not the HttpResponse the stubs give ListView.get.
    def get(self, request: Any, *args: Any, **kwargs: Any) -> HttpResponseBase:  # type: ignore[override]
        return serve(request, self.export_report(), lambda: super(RegisterListView, self).get(request, *args, **kwargs))

    def export_report(self) -> RegisterReport:
        """The whole list, with the user's scope, search and filters applied, as CSV or xlsx."""
        return RegisterReport(self.model, self.columns, self.get_queryset, f"{self.url_prefix}-list")

    def get_template_names(self) -> list[str]:
        if getattr(self.request, "htmx", False) and not self.request.htmx.boosted:  # type: ignore[attr-defined]
            return ["common/partials/table.html"]
        return [self.template_name]

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        ctx["headers"] = [c.header(self.model) for c in self.columns]
        ctx["rows"] = [
            (obj, [(display(obj, c.field), c.link) for c in self.columns]) for obj in ctx["object_list"]
        ]
        ctx["query"] = self.request.GET.get("q", "")
        ctx["filter_controls"] = [
            (param, label, choices, self.request.GET.get(param, "")) for param, label, choices in self.filters
        ]
        ctx["can_create"] = self.can_create and ctx["may_add"]
        return ctx


class RegisterDetailView(RegisterMixin, generic.DetailView):
    template_name = "common/detail.html"
    fields: list[str | Column] = []  # a Column when the label must differ from the field's own

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        columns = [f if isinstance(f, Column) else Column(f) for f in self.fields]
        ctx["fields"] = [(c.header(self.model), display(self.object, c.field)) for c in columns]
        ctx["can_edit"] = policy.can(self.request.user, "change", self.object)
        ctx["object_key"] = self.kwargs.get(self.slug_url_kwarg) or self.object.pk  # a unit's URL takes its code
        user = self.request.user
        ctx["history"] = history_of(policy.actor_of(user), user.pk, self.object)
        ctx["sections"] = sections_for(user, self.object)  # what other apps show on this record's page
        log_read(user=self.request.user, instance=self.object, unit=policy.unit_of(self.object))
        return ctx


def scope_choices(form: Any, user: Any) -> Any:
    """Narrow every record picker of a form to what the user may see: a code from outside the user's scope
    is answered like an unknown code, and never attaches someone else's record (a trainer, a workshop, a
    parent unit) to the user's own."""
    from django.forms import ModelChoiceField

    for field in form.fields.values():
        if isinstance(field, ModelChoiceField) and policy.governed(field.queryset.model):
            field.queryset = policy.scope(user, field.queryset)
    return form


class RegisterFormMixin(RegisterMixin):
    template_name = "common/form.html"

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "user": self.request.user}  # type: ignore[misc]

    def get_form(self, form_class: Any = None) -> Any:
        return scope_choices(super().get_form(form_class), self.request.user)  # type: ignore[misc]

    def form_valid(self, form: Any) -> HttpResponse:
        # The form has validated every field; the write path checks permission and the period lock,
        # then saves atomically with its audit entry, so nothing is half-written.
        try:
            self.object = writes.save_record(user=self.request.user, instance=form.instance,
                                             persist=lambda: self.save(form))
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
            return self.form_invalid(form)
        except ValidationError as exc:
            form.add_error(None, exc)
            return self.form_invalid(form)
        except IntegrityError:
            form.add_error(None, _("این رکورد با داده‌های موجود تداخل دارد (تکراری است)؛ چیزی ذخیره نشد."))
            return self.form_invalid(form)
        messages.success(self.request, _("«{name}» ذخیره شد.").format(name=self.object))
        return redirect(self.get_success_url())

    def save(self, form: Any) -> Model:
        return form.save()

    def get_success_url(self) -> str:
        return reverse(f"{self.url_prefix}_detail", args=[self.object.pk])


class RegisterCreateView(RegisterFormMixin, generic.CreateView):
    action = "add"

    def get_queryset(self) -> QuerySet:
        return self.model._default_manager.all()

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        ctx["title"] = _("{name} جدید").format(name=self.model._meta.verbose_name)
        return ctx


class RegisterUpdateView(RegisterFormMixin, generic.UpdateView):
    action = "change"

    def get_object(self, queryset: QuerySet | None = None) -> Model:
        # In the user's scope is not enough to edit: a unit's own record belongs to its parent, for instance.
        obj = super().get_object(queryset)
        policy.require(self.request.user, "change", obj)
        return obj

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        ctx["title"] = _("ویرایش {name}").format(name=self.object)
        return ctx
