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
from maharat.common.tables import Column, display
from maharat.common.tabular import Cell
from maharat.kit.sections import sections_for

from .reports import Report, record_rows, serve


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
        # The queryset now, in the view (scope and filters fail there, as a page); its rows while the file is
        # sent, as plain values (kit/reports.py: record_rows gives what export_value gives, without instances).
        return record_rows(self.queryset(), [c.field for c in self.columns])


# ------------------------------------------------------------------------------------ pagination at volume
def _ordering_keys(model: type[Model], ordering: Sequence[str], prefix: str = "", desc: bool = False,
                   depth: int = 0) -> list[tuple[str, bool]]:
    """The queryset's ordering as the columns the database sorts by, (path, descending): a relation expands
    to its model's own ordering, as Django orders by it, so that a cursor can hold concrete values."""
    keys: list[tuple[str, bool]] = []
    for item in ordering:
        if not isinstance(item, str) or "?" in item:
            continue
        descending = desc != item.startswith("-")
        name = item.lstrip("-+")
        current: Any = model
        field: Any = None
        for part in name.split("__"):
            field = current._meta.pk if part == "pk" else current._meta.get_field(part)
            if field.is_relation:
                current = field.related_model
        sub = list(current._meta.ordering or []) if field is not None and field.is_relation and depth < 3 else []
        if sub:
            keys += _ordering_keys(current, sub, f"{prefix}{name}__", descending, depth + 1)
        else:
            keys.append((f"{prefix}{name}", descending))
    return keys


class KeysetPage:
    """A page of a large register, found by the last (or first) row of the page before it rather than by an
    OFFSET: page 10,000 costs what page 1 costs. Offers the attributes partials/pagination.html reads; the
    count is bounded (`paginator.count` is COUNT_CAP, `paginator.capped` True)."""

    keyset = True

    def __init__(self, rows: list[Model], *, count: int, capped: bool, has_next: bool, has_previous: bool,
                 after: str | None, before: str | None) -> None:
        self.object_list = rows
        self.paginator = type("BoundedCount", (), {"count": count, "capped": capped, "num_pages": None})()
        self._has_next, self._has_previous = has_next, has_previous
        self.after_token, self.before_token = after, before
        self.number = None

    def __iter__(self) -> Iterator[Model]:
        return iter(self.object_list)

    def __len__(self) -> int:
        return len(self.object_list)

    def has_next(self) -> bool:
        return self._has_next

    def has_previous(self) -> bool:
        return self._has_previous

    def has_other_pages(self) -> bool:
        return self._has_next or self._has_previous


class _JsonSerializer:
    """signing's serializer for cursors: dates and decimals as text (a filter takes them back as text)."""

    def dumps(self, obj: Any) -> bytes:
        import json

        from django.core.serializers.json import DjangoJSONEncoder

        return json.dumps(obj, separators=(",", ":"), cls=DjangoJSONEncoder).encode("latin-1")

    def loads(self, data: bytes) -> Any:
        import json

        return json.loads(data.decode("latin-1"))


class RegisterListView(RegisterMixin, generic.ListView):
    template_name = "common/list.html"
    columns: list[Column] = []
    filters: list[tuple[str, str, list[tuple[str, str]]]] = []  # (param, label, choices)
    can_create = True

    def get_paginate_by(self, queryset: QuerySet) -> int:
        return settings.MAHARAT_PAGE_SIZE

    # Past this many rows a list is paged by keyset (?after= / ?before=, the page's last or first row) and
    # its count is shown as "more than …": counting and OFFSET-ing ten million enrollments took seconds.
    count_cap = 10_000

    def paginate_queryset(self, queryset: Any, page_size: int) -> tuple[Any, Any, Any, bool]:
        request = self.request
        cursor = request.GET.get("after") or request.GET.get("before")
        bounded = queryset.order_by()[: self.count_cap + 1].count()
        if bounded <= self.count_cap and not cursor:
            self._known_count = bounded  # the paginator's count: not counted a second time
            return super().paginate_queryset(queryset, page_size)
        page = self.keyset_page(queryset, page_size, capped=bounded > self.count_cap, count=min(bounded, self.count_cap))
        return page.paginator, page, page.object_list, page.has_other_pages()

    def get_paginator(self, *args: Any, **kwargs: Any) -> Any:
        paginator = super().get_paginator(*args, **kwargs)
        known = getattr(self, "_known_count", None)
        if known is not None:
            paginator.count = known  # a cached_property: set, it is never computed
        return paginator

    def keyset_page(self, queryset: QuerySet, size: int, *, capped: bool, count: int) -> KeysetPage:
        from django.core import signing
        from django.db.models import Q

        model = queryset.model
        ordering = [o for o in (queryset.query.order_by or model._meta.ordering or []) if isinstance(o, str)]
        keys = _ordering_keys(model, ordering)
        if not any(path in ("pk", "id") for path, _desc in keys):
            keys.append(("pk", False))  # the tiebreaker that makes each position unique
        salt = f"keyset:{model._meta.label}"

        def token(obj: Model) -> str:
            values = list(model._default_manager.filter(pk=obj.pk).values_list(*(p for p, _d in keys)).get())
            return signing.dumps(values, salt=salt, compress=True, serializer=_JsonSerializer)

        def seek(values: list[Any], forward: bool) -> Q:
            condition = Q()
            for i, (path, desc) in enumerate(keys):
                op = "lt" if desc == forward else "gt"
                step = Q(**{f"{path}__{op}": values[i]})
                for j in range(i):
                    step &= Q(**{keys[j][0]: values[j]})
                condition |= step
            return condition

        def decoded(text: str | None) -> list[Any] | None:
            if not text:
                return None
            try:
                values = signing.loads(text, salt=salt, serializer=_JsonSerializer)
            except signing.BadSignature:
                return None
            return values if isinstance(values, list) and len(values) == len(keys) and None not in values else None

        ordered = queryset.order_by(*(("-" if d else "") + p for p, d in keys))
        after, before = decoded(self.request.GET.get("after")), decoded(self.request.GET.get("before"))
        if before is not None:
            backwards = queryset.order_by(*(("" if d else "-") + p for p, d in keys)).filter(seek(before, False))
            rows = list(backwards[: size + 1])
            has_previous, has_next = len(rows) > size, True
            rows = rows[:size][::-1]
        else:
            rows = list((ordered.filter(seek(after, True)) if after is not None else ordered)[: size + 1])
            has_next, has_previous = len(rows) > size, after is not None
            rows = rows[:size]
        return KeysetPage(rows, count=count, capped=capped, has_next=has_next, has_previous=has_previous,
                          after=token(rows[-1]) if rows and has_next else None,
                          before=token(rows[0]) if rows and has_previous else None)

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
