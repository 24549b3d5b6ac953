"""Writes on contracts: drafting and editing them, listing their course runs, signing, closing and cancelling,
and entering graduates' employment evidence. (Invoices: invoicing.py.)

New and changed records go through the write path (access.writes: permission where the record is and where
it goes, an audit entry with every value); transitions through kit.workflow.perform (permission first, a
Persian refusal, save, audit with from, to and why). Every rule is checked before anything is written, and
every field at fault is named at once.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from functools import partial
from typing import IO, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from maharat.access import policy, writes
from maharat.audit.models import AuditAction
from maharat.audit.services import log, snapshot
from maharat.catalog.models import Standard
from maharat.common import jalali
from maharat.common.persian import localize_digits
from maharat.kit import workflow
from maharat.org.models import Unit
from maharat.people.models import TargetGroup
from maharat.training.models import CourseRun, Enrollment, EnrollmentStatus

from . import notices, rules
from .models import STANDING, Contract, ContractRun, ContractStatus, EmploymentEvidence

TERMS = ("trainees", "price", "start_date", "end_date", "share_enrollment", "share_completion",
         "share_certification", "share_employment", "premium_rural", "premium_nomad", "premium_women",
         "premium_disability")
INTEGERS = tuple(t for t in TERMS if t not in ("start_date", "end_date"))
MAX_STANDARDS = 50
EDITABLE = (ContractStatus.DRAFT,)  # a signed contract's terms are what was signed
RUNS_OPEN = (ContractStatus.DRAFT, ContractStatus.ACTIVE)


def _collect(errors: dict[str, list[str]], check: Callable[[], Any]) -> Any:
    try:
        return check()
    except ValidationError as exc:
        for name, messages in exc.message_dict.items():
            errors.setdefault(name, []).extend(messages)
    return None


def _integer(value: Any, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValidationError({name: _("یک عدد درست وارد کنید.")})
    return value


def _date(value: Any, name: str) -> dt.date:
    if not isinstance(value, dt.date) or isinstance(value, dt.datetime) or not jalali.supported_date(value):
        raise ValidationError({name: _(jalali.YEAR_RANGE_MESSAGE)})
    return value


def _term(value: Any, name: str) -> Any:
    return _integer(value, name) if name in INTEGERS else _date(value, name)


def _apply_terms(contract: Contract, *, title: Any, notes: Any, standards: Iterable[Standard],
                 target_groups: Iterable[TargetGroup], terms: dict[str, Any]) -> tuple[list[Standard], list[TargetGroup]]:
    """Set the contract's terms from the arguments, or raise one ValidationError naming every field at fault."""
    errors: dict[str, list[str]] = {}
    contract.title = _collect(errors, lambda: rules.clean_text(title, field="title", label=_("موضوع"),
                                                               limit=rules.TITLE_MAX, formula_ok=False)) or ""
    contract.notes = _collect(errors, lambda: rules.clean_text(notes, field="notes", label=_("توضیحات"),
                                                               limit=rules.NOTE_MAX, multiline=True)) or ""
    for name in TERMS:
        if name in terms:
            checked = _collect(errors, partial(_term, terms[name], name))
            if checked is not None:
                setattr(contract, name, checked)
    chosen = list(dict.fromkeys(standards))
    groups = list(dict.fromkeys(target_groups))
    if not chosen:
        errors.setdefault("standards", []).append(_("دست‌کم یک استاندارد آموزشی را برگزینید."))
    elif len(chosen) > MAX_STANDARDS:
        errors.setdefault("standards", []).append(_("یک قرارداد حداکثر {n} استاندارد دارد.").format(
            n=localize_digits(MAX_STANDARDS)))
    elif any(not s.is_active for s in chosen):
        errors.setdefault("standards", []).append(_("استاندارد غیرفعال را نمی‌توان خرید."))
    exclude = [n for n in errors if n in TERMS]
    try:
        contract.full_clean(exclude=["number", *exclude], validate_constraints=False)  # clean() says it in Persian
    except ValidationError as exc:
        for name, messages in exc.message_dict.items():
            errors.setdefault(name, []).extend(m for m in messages if m not in errors.get(name, []))
    if errors:
        raise ValidationError(errors)
    return chosen, groups


def _next_number(province: Unit, start: dt.date) -> str:
    """<province code>-<Jalali year of the start>-C<sequence>: made, never typed. The province's row is held
    while the number is taken, so two contracts drafted at once get two numbers."""
    Unit.objects.select_for_update().filter(pk=province.pk).first()
    prefix = f"{province.code}-{jalali.year_of(start)}-C"
    last = Contract.objects.filter(number__startswith=prefix).order_by("-number").values_list("number", flat=True).first()
    seq = int(last[len(prefix):]) + 1 if last and last[len(prefix):].isdigit() else 1
    return f"{prefix}{seq:04d}"


def create_contract(user: Any, *, province: Unit, institute: Unit, standards: Iterable[Standard],
                    target_groups: Iterable[TargetGroup] = (), title: str = "", notes: str = "",
                    **terms: Any) -> Contract:
    """A draft contract of `province` with `institute`. Its terms are checked here; its number is given."""
    unknown = set(terms) - set(TERMS)
    if unknown:
        raise TypeError(f"unknown contract terms: {sorted(unknown)}")
    contract = Contract(province=province, institute=institute, created_by=user if getattr(user, "pk", None) else None)
    # Permission before anything else: who may not contract this institute learns nothing of its rules.
    policy.require(user, "add", contract)
    chosen, groups = _apply_terms(contract, title=title, notes=notes, standards=standards,
                                  target_groups=target_groups, terms=terms)

    def persist() -> Contract:
        contract.number = _next_number(province, contract.start_date)
        contract.save()
        contract.standards.set(chosen)
        contract.target_groups.set(groups)
        return contract

    with transaction.atomic():
        return writes.save_record(user=user, instance=contract, persist=persist)


def update_contract(user: Any, contract: Contract, *, standards: Iterable[Standard],
                    target_groups: Iterable[TargetGroup] = (), title: str = "", notes: str = "",
                    **terms: Any) -> Contract:
    """Change a draft's terms (the province and the institute stay: a different party is a new contract)."""
    with transaction.atomic():
        current = Contract.objects.select_for_update().get(pk=contract.pk)
        policy.require(user, "change", current)
        if current.status not in EDITABLE:
            raise ValidationError(_("قرارداد امضاشده ویرایش نمی‌شود؛ شرایط آن همان است که امضا شد."))
        chosen, groups = _apply_terms(current, title=title, notes=notes, standards=standards,
                                      target_groups=target_groups, terms=terms)

        def persist() -> Contract:
            current.save()
            current.standards.set(chosen)
            current.target_groups.set(groups)
            return current

        return writes.save_record(user=user, instance=current, persist=persist)


# ----------------------------------------------------------------------------------------- transitions
def _locked(contract: Contract) -> Contract:
    """The contract as stored, held for the transition: two decisions at once are taken one after the other."""
    return Contract.objects.select_for_update().select_related("institute", "province").get(pk=contract.pk)


def _permission_first(user: Any, obj: Any, name: str, action: str | None = None) -> None:
    """workflow.perform asks again; asked here too so that someone who may not act is refused before the
    record's state or their reason is judged (those answers would tell them about the record)."""
    if workflow.acting_as(user, action or name, obj) is None:
        raise PermissionDenied(_("شما اجازه «{action}» را روی این رکورد ندارید.").format(
            action=workflow.label(obj, name)))


def _reason(value: Any, *, required: bool) -> str:
    return rules.clean_text(value, field="reason", label=_("دلیل"), limit=rules.NOTE_MAX, required=required,
                            multiline=True)


def licensed(institute: Unit, day: dt.date) -> bool:
    """Is the institute licensed on `day`? The institutes app keeps licences (its selectors answer)."""
    from maharat.institutes.selectors import licensed_on

    return bool(licensed_on(institute.pk, day))


@transaction.atomic
def sign(user: Any, contract: Contract, reason: str = "") -> Contract:
    """Sign a draft: only with an institute licensed on the contract's start date."""
    current = _locked(contract)
    _permission_first(user, current, "sign")
    note = _reason(reason, required=False)
    if current.status == ContractStatus.DRAFT:
        errors: dict[str, list[str]] = {}
        if not licensed(current.institute, current.start_date):
            errors.setdefault("institute", []).append(_(
                "آموزشگاه «{unit}» در تاریخ شروع قرارداد ({day}) پروانه معتبر ندارد؛ قرارداد فقط با آموزشگاه دارای "
                "پروانه امضا می‌شود.").format(unit=current.institute, day=jalali.format_date(current.start_date)))
        if not current.standards.exists():
            errors.setdefault("standards", []).append(_("قرارداد بدون استاندارد آموزشی امضا نمی‌شود."))
        if not current.institute.is_active:
            errors.setdefault("institute", []).append(_("آموزشگاه «{unit}» غیرفعال است.").format(
                unit=current.institute))
        if errors:
            raise ValidationError(errors)
    done = workflow.perform(current, "sign", user=user, reason=note)
    notices.contract_decided(done, "sign")
    return done


@transaction.atomic
def close(user: Any, contract: Contract, reason: str = "") -> Contract:
    current = _locked(contract)
    _permission_first(user, current, "close")
    done = workflow.perform(current, "close", user=user, reason=_reason(reason, required=False))
    notices.contract_decided(done, "close")
    return done


@transaction.atomic
def cancel(user: Any, contract: Contract, reason: str) -> Contract:
    """Cancel a draft, or a signed contract that nothing has been invoiced on (after that it is closed: what
    was invoiced stands, and its clawbacks still come)."""
    current = _locked(contract)
    _permission_first(user, current, "cancel")
    note = _reason(reason, required=True)
    if current.status == ContractStatus.ACTIVE and current.invoices.filter(status__in=STANDING).exists():
        raise ValidationError(_("برای این قرارداد صورت‌حساب صادر شده است؛ آن را ببندید، لغو نمی‌شود."))
    done = workflow.perform(current, "cancel", user=user, reason=note)
    notices.contract_decided(done, "cancel")
    return done


# ----------------------------------------------------------------------------------------- course runs
def run_errors(contract: Contract, run: CourseRun) -> list[str]:
    """Why `run` cannot be bought by `contract` (nothing: it can)."""
    errors: list[str] = []
    if run.unit_id != contract.institute_id:
        errors.append(_("این دوره را آموزشگاه طرف قرارداد برگزار نمی‌کند."))
    if not contract.standards.filter(pk=run.standard_id).exists():
        errors.append(_("استاندارد این دوره در قرارداد نیست."))
    if not contract.start_date <= run.start_date <= contract.end_date:
        errors.append(_("این دوره در بازه قرارداد ({start} تا {end}) آغاز نمی‌شود.").format(
            start=jalali.format_date(contract.start_date), end=jalali.format_date(contract.end_date)))
    linked = ContractRun.objects.filter(course_run=run).select_related("contract").first()
    if linked is not None:
        errors.append(_("این دوره پیش‌تر در قرارداد {number} آمده است.").format(number=linked.contract.number))
    return errors


def add_run(user: Any, contract: Contract, run: CourseRun) -> ContractRun:
    """List a course run as bought by the contract (its learners then count, up to the cap)."""
    with transaction.atomic():
        current = _locked(contract)
        policy.require(user, "change", current)
        if current.status not in RUNS_OPEN:
            raise ValidationError({"course_run": [_("به قرارداد «{status}» دوره افزوده نمی‌شود.").format(
                status=current.get_status_display())]})
        if not policy.can(user, "view", run):
            raise ValidationError({"course_run": [_("دوره‌ای با این کد در حوزه شما نیست.")]})
        errors = run_errors(current, run)
        if errors:
            raise ValidationError({"course_run": errors})
        link = ContractRun(contract=current, course_run=run, added_by=user if getattr(user, "pk", None) else None)
        return writes.save_record(user=user, instance=link, persist=lambda: _saved(link))


def remove_run(user: Any, link: ContractRun) -> None:
    """Take a course run off the contract. What its learners were paid is clawed back on the next invoices
    of each tranche (never taken off a paid invoice)."""
    with transaction.atomic():
        current = _locked(link.contract)
        policy.require(user, "change", current)
        if current.status not in RUNS_OPEN:
            raise ValidationError(_("دوره‌های قرارداد «{status}» تغییر نمی‌کند.").format(
                status=current.get_status_display()))
        stored = ContractRun.objects.select_related("course_run").get(pk=link.pk)
        log(action=AuditAction.DELETE, instance=stored, old=snapshot(stored), unit=current.institute, user=user,
            note=stored.course_run.code)
        stored.delete()


def _saved(instance: Any) -> Any:
    instance.save()
    return instance


# ------------------------------------------------------------------------------------ employment evidence
def evidence_errors(enrollment: Enrollment, *, employer: Any, from_date: Any, to_date: Any,
                    notes: Any) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """The evidence's fields cleaned, and every error by field."""
    errors: dict[str, list[str]] = {}
    today = timezone.localdate()
    cleaned: dict[str, Any] = {
        "employer": _collect(errors, lambda: rules.clean_text(
            employer, field="employer", label=_("کارفرما یا محل اشتغال"), limit=rules.EMPLOYER_MAX, required=True,
            formula_ok=False)),
        "notes": _collect(errors, lambda: rules.clean_text(notes, field="notes", label=_("توضیحات"),
                                                           limit=rules.NOTE_MAX, multiline=True)) or "",
        "from_date": _collect(errors, lambda: _date(from_date, "from_date")),
        "to_date": _collect(errors, lambda: _date(to_date, "to_date")) if to_date is not None else None,
    }
    if enrollment.status != EnrollmentStatus.COMPLETED:
        errors.setdefault("enrollment", []).append(_("سابقه اشتغال برای کارآموزی ثبت می‌شود که دوره را به پایان "
                                                     "رسانده است."))
    since, until = cleaned["from_date"], cleaned["to_date"]
    if since is not None:
        if since > today:
            errors.setdefault("from_date", []).append(_("تاریخ آغاز اشتغال نمی‌تواند بعد از امروز باشد."))
        elif since < enrollment.course_run.start_date:
            errors.setdefault("from_date", []).append(_(
                "اشتغال پیش از آغاز دوره ({day}) نتیجه این آموزش نیست.").format(
                    day=jalali.format_date(enrollment.course_run.start_date)))
    if until is not None:
        if until > today:
            errors.setdefault("to_date", []).append(_("تاریخ پایان اشتغال نمی‌تواند بعد از امروز باشد؛ اگر هنوز "
                                                      "شاغل است خالی بگذارید."))
        elif since is not None and until < since:
            errors.setdefault("to_date", []).append(_("تاریخ پایان اشتغال پیش از تاریخ آغاز آن است."))
    return cleaned, errors


def add_evidence(user: Any, *, enrollment: Enrollment, employer: str, from_date: dt.date,
                 to_date: dt.date | None = None, notes: str = "", document: IO[bytes] | None = None) -> EmploymentEvidence:
    """Record a graduate's job with its document (attached in the same transaction: no evidence without its
    file is left behind when the file is refused)."""
    evidence = EmploymentEvidence(enrollment=enrollment, entered_by=user if getattr(user, "pk", None) else None,
                                  employer="", from_date=timezone.localdate())
    policy.require(user, "add", evidence)
    cleaned, errors = evidence_errors(enrollment, employer=employer, from_date=from_date, to_date=to_date,
                                      notes=notes)
    if document is None:
        errors.setdefault("document", []).append(_("سند اشتغال (قرارداد کار، بیمه یا گواهی کارفرما) را پیوست کنید."))
    if errors:
        raise ValidationError(errors)
    for name, value in cleaned.items():
        setattr(evidence, name, value)
    evidence.full_clean()
    from maharat.attachments.services import attach

    with transaction.atomic():
        saved = writes.save_record(user=user, instance=evidence, persist=lambda: _saved(evidence))
        try:
            attach(user, saved, document, title=_("سند اشتغال"))  # type: ignore[arg-type]
        except ValidationError as exc:
            raise ValidationError({"document": exc.messages}) from None
    return saved


def delete_evidence(user: Any, evidence: EmploymentEvidence) -> None:
    """Withdraw evidence entered by mistake: the employment tranche it earned is clawed back."""
    writes.delete_record(user=user, instance=evidence)
