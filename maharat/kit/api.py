"""The API's generic record endpoint: every domain's viewset starts from RecordViewSet, which scopes its list
through the permission layer and saves through the write path, and registers its route here (`route`); the
API app (an edge) serves every registered route under /api/v1/."""

from __future__ import annotations

import copy
from typing import Any

from django.db.models import Model, QuerySet
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import permissions, serializers, viewsets
from rest_framework.request import Request

from maharat.access import policy, records, writes
from maharat.common import jalali
from maharat.common.persian import normalize

YEAR_FIELD = {"type": "integer", "minimum": jalali.YEAR_MIN, "maximum": jalali.YEAR_MAX}
UNIT_PARAM = OpenApiParameter("unit", str, description="everything under this unit, e.g. IR-26")
SEARCH_PARAM = OpenApiParameter("q", str, description="search text")
YEAR_PARAM = OpenApiParameter("year", YEAR_FIELD, description="Jalali year, e.g. 1403")


def listed_with(*parameters: OpenApiParameter) -> Any:
    """Describe the query parameters a list understands, so that clients (and Schemathesis) know them."""
    return extend_schema_view(list=extend_schema(parameters=list(parameters)))


ACTIONS = {"list": "view", "retrieve": "view", "create": "add", "update": "change", "partial_update": "change",
           "destroy": "delete"}


class PolicyPermission(permissions.BasePermission):
    """Asks access.policy: the role may do this to this kind of record, and the record is in its subtree."""

    def has_permission(self, request: Request, view: Any) -> bool:
        record = view.record or policy.record_of(view.serializer_class.Meta.model)
        return bool(request.user and request.user.is_authenticated) and policy.may(
            request.user, ACTIONS.get(view.action, "view"), record)

    def has_object_permission(self, request: Request, view: Any, obj: Model) -> bool:
        return policy.can(request.user, ACTIONS.get(view.action, "view"), obj)


AUTO = "<declared>"


def _unit_prefix(model: type[Model]) -> str | None:
    declared = records.record_for(model)
    if declared is None or declared.unit is None:
        return None
    return f"{declared.unit}__" if declared.unit else ""


class RecordViewSet(viewsets.ModelViewSet):
    permission_classes = [PolicyPermission]
    record = ""  # the kind of record; by default the one its model is declared with
    unit_prefix: str | None = AUTO  # for ?unit=CODE (everything under that unit); by default the declared path

    def base_queryset(self) -> QuerySet:
        return self.serializer_class.Meta.model.objects.all()  # type: ignore[union-attr]

    def get_queryset(self) -> QuerySet:
        qs = policy.scope(self.request.user, self.base_queryset())
        params = self.request.query_params
        prefix = _unit_prefix(qs.model) if self.unit_prefix == AUTO else self.unit_prefix
        if params.get("unit") and prefix is not None:
            tree = records.tree()
            unit = tree.model._default_manager.filter(code=params["unit"].upper()).first()
            qs = qs.filter(tree.subtree_q(unit, prefix)) if unit else qs.none()
        if params.get("q"):
            qs = self.search(qs, normalize(params["q"]))
        return qs.order_by("pk")

    def search(self, qs: QuerySet, q: str) -> QuerySet:
        return qs

    # ---- writes: full model validation, then access.writes (permission, period lock, audit)
    def _validated_instance(self, serializer: serializers.ModelSerializer, base: Model | None) -> Model:
        model = serializer.Meta.model
        instance = copy.copy(base) if base is not None else model()
        m2m = {f.name for f in model._meta.many_to_many}
        for key, value in serializer.validated_data.items():
            if key not in m2m:
                setattr(instance, key, value)
        instance.full_clean(exclude=list(m2m))
        return instance

    def perform_create(self, serializer: serializers.ModelSerializer) -> None:
        instance = self._validated_instance(serializer, None)
        writes.save_record(user=self.request.user, instance=instance, persist=lambda: serializer.save())

    def perform_update(self, serializer: serializers.ModelSerializer) -> None:
        instance = self._validated_instance(serializer, serializer.instance)
        writes.save_record(user=self.request.user, instance=instance, persist=lambda: serializer.save())

    def perform_destroy(self, instance: Model) -> None:
        writes.delete_record(user=self.request.user, instance=instance)



_routes: list[tuple[str, type[viewsets.ViewSetMixin], str]] = []


def route(prefix: str, viewset: type[viewsets.ViewSetMixin], basename: str) -> None:
    """Serve `viewset` at /api/v1/<prefix>/ (called from an app's api.py, found at start-up by the API app)."""
    _routes.append((prefix, viewset, basename))


def routes() -> list[tuple[str, type[viewsets.ViewSetMixin], str]]:
    return list(_routes)
