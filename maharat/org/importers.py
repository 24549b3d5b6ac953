"""Importing units of the organisation tree (registered with the import engine, kit/importing)."""

from __future__ import annotations

import copy
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_noop

from maharat.catalog.models import Cluster
from maharat.kit.importing import Column, Importer, Row, register
from maharat.kit.importing.parsers import choices, code, validate

from .models import PartnerType, Unit, UnitKind
from .services import check_parent, derive_position


@register
class UnitImporter(Importer):
    kind, title, order, model = "units", gettext_noop("واحدها"), 10, Unit
    key_columns = ("code",)
    columns = (
        Column("code", "کد واحد", parse=code, example="IR-26-01-I0999"),
        Column("name", "نام", example="آموزشگاه آزاد نمونه قزوین"),
        Column("kind", "نوع واحد", choices=choices(UnitKind), example="آموزشگاه آزاد"),
        Column("parent", "کد واحد بالادست", parse=code, example="IR-26-01"),
        Column("cluster", "خوشه", required=False, choices=choices(Cluster), example="خدمات"),
        Column("partner_type", "نوع شریک", required=False, choices=choices(PartnerType), example=""),
        Column("address", "نشانی", required=False, example="قزوین، خیابان ..."),
        Column("phone", "تلفن", required=False, example="02833333333"),
    )

    def key(self, data: dict[str, Any]) -> tuple:
        return (data["code"],)

    def prefetch(self, parsed: list[Row]) -> dict[str, Any]:
        return {"units": self.units_by_code({r.data["parent"] for r in parsed} | {r.data["code"] for r in parsed})}

    def existing(self, keys: list[tuple], ctx: dict[str, Any]) -> dict[tuple, models.Model]:
        return {(u.code,): u for u in Unit.objects.filter(code__in=[k[0] for k in keys])}

    def build(self, data: dict[str, Any], current: models.Model | None, ctx: dict[str, Any]) -> models.Model:
        u = copy.copy(current) if isinstance(current, Unit) else Unit(kind=data["kind"])
        if current is not None and u.kind != data["kind"]:
            raise ValidationError({"kind": "نوع واحد موجود را نمی‌توان با ورود داده تغییر داد."})
        parent = ctx["units"].get(data["parent"])
        if parent is None:
            raise ValidationError({"parent": "واحد بالادست با این کد وجود ندارد (واحد بالادست باید پیش‌تر ثبت شده باشد)."})
        if current is not None and u.parent_id != parent.pk:
            raise ValidationError({"parent": "جابه‌جایی واحد در درخت با ورود داده ممکن نیست؛ از صفحه واحد استفاده کنید."})
        check_parent(u.kind, parent)
        u.code, u.name, u.parent = data["code"], data["name"], parent
        u.cluster, u.partner_type = data.get("cluster") or "", data.get("partner_type") or ""
        u.address, u.phone = data.get("address") or "", data.get("phone") or ""
        if u.kind == UnitKind.FREE_INSTITUTE and not u.cluster:
            raise ValidationError({"cluster": "خوشه آموزشگاه آزاد را بنویسید."})
        derive_position(u)
        validate(u)
        return u

    def compare_fields(self) -> list[str]:
        return ["name", "cluster", "partner_type", "address", "phone"]

    def write(self, creates: list[models.Model], updates: list[models.Model], ctx: dict[str, Any]) -> None:
        # One by one, parents first: a new unit's place in the tree (its path) is derived from its parent's.
        for u in sorted(creates, key=lambda x: x.depth):  # type: ignore[attr-defined]
            u.save()
        if updates:
            Unit.objects.bulk_update(updates, self.compare_fields(), batch_size=2000)  # type: ignore[arg-type]
