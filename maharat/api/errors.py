"""Structured JSON errors with Persian messages and stable codes; no input produces a server error."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DataError, IntegrityError, InterfaceError, OperationalError
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler, set_rollback

from maharat.approval.locks import PeriodLocked

MESSAGES = {
    "not_found": "یافت نشد (یا در حوزه دسترسی شما نیست).",
    "permission_denied": "شما اجازه این کار را ندارید.",
    "not_authenticated": "ابتدا با توکن یا نشست معتبر وارد شوید.",
    "authentication_failed": "اعتبارنامه نادرست است.",
    "conflict": "این رکورد با داده‌های موجود تداخل دارد (تکراری است).",
    "validation_error": "داده‌های ارسالی معتبر نیستند.",
    "throttled": "درخواست‌های شما بیش از حد مجاز است.",
    "invalid_value": "مقداری که فرستاده‌اید را نمی‌توان ذخیره یا جست‌وجو کرد.",
    "too_deep": "ساختار JSON ارسالی بیش از حد تودرتو است.",
    "unavailable": "پایگاه داده لحظه‌ای در دسترس نیست؛ چند ثانیه دیگر دوباره بفرستید.",
}


def _body(code: str, message: str, fields: Any = None, http: int = 400) -> Response:
    error: dict[str, Any] = {"code": code, "message": message}
    if fields:
        error["fields"] = fields
    return Response({"error": error}, status=http)


def handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, PeriodLocked):
        return _body(f"period_{exc.reason}", exc.messages[0], http=status.HTTP_409_CONFLICT)
    if isinstance(exc, DjangoValidationError):
        fields = exc.message_dict if hasattr(exc, "error_dict") else None
        return _body("validation_error", fields and MESSAGES["validation_error"] or " ".join(exc.messages), fields)
    if isinstance(exc, DjangoPermissionDenied):
        return _body("permission_denied", str(exc) or MESSAGES["permission_denied"], http=403)
    if isinstance(exc, Http404):
        return _body("not_found", MESSAGES["not_found"], http=404)
    if isinstance(exc, IntegrityError):
        return _body("conflict", MESSAGES["conflict"], http=409)
    if isinstance(exc, DataError):
        # The database refused a value (out of range, a character it cannot store): the input's fault. The
        # known causes are refused earlier, with a message naming the field; this is the net under them.
        set_rollback()
        return _body("invalid_value", MESSAGES["invalid_value"])
    if isinstance(exc, (OperationalError, InterfaceError)):
        # The database is restarting or away (docs/reliability.md): a clean, retryable answer, not a bare 500.
        response = _body("unavailable", MESSAGES["unavailable"], http=503)
        response["Retry-After"] = "5"
        return response
    if isinstance(exc, RecursionError):  # a request body nested too deep to parse (also refused by middleware)
        return _body("too_deep", MESSAGES["too_deep"])
    response = exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        return _body("validation_error", MESSAGES["validation_error"], response.data, response.status_code)
    code = getattr(exc, "default_code", "error")
    detail = getattr(exc, "detail", "")
    return _body(code, MESSAGES.get(code, str(detail)), http=response.status_code)
