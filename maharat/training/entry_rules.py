"""Rules a later app adds to the entry of course runs and enrollments, without training knowing that app.

The free institutes' licensing refuses a course run outside the licensed fields, or on dates the institute is
not licensed, and new enrollments under an enrollment ban. The rule lives with licensing; it is asked from
the one place every entry passes (CourseRun.clean, enrollment_errors): pages, the API, the admin and the
imports alike.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .models import CourseRun

CourseRunRule = Callable[["CourseRun"], dict[str, str]]
EnrollmentRule = Callable[["CourseRun", bool], dict[str, str]]  # (run, adding a new enrollment) -> errors

_course_run_rules: list[CourseRunRule] = []
_enrollment_rules: list[EnrollmentRule] = []


def course_run_rule(rule: CourseRunRule) -> CourseRunRule:
    if rule not in _course_run_rules:
        _course_run_rules.append(rule)
    return rule


def enrollment_rule(rule: EnrollmentRule) -> EnrollmentRule:
    if rule not in _enrollment_rules:
        _enrollment_rules.append(rule)
    return rule


def course_run_errors(run: CourseRun) -> dict[str, str]:
    errors: dict[str, str] = {}
    for rule in _course_run_rules:
        for field, message in rule(run).items():
            errors.setdefault(field, message)
    return errors


def enrollment_errors(run: CourseRun, *, adding: bool) -> dict[str, str]:
    errors: dict[str, str] = {}
    for rule in _enrollment_rules:
        for field, message in rule(run, adding).items():
            errors.setdefault(field, message)
    return errors


def rules() -> dict[str, list[Any]]:
    return {"course_run": list(_course_run_rules), "enrollment": list(_enrollment_rules)}
