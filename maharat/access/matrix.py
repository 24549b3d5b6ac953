"""The permission matrix as the apps declared it (records.py), written out for the docs: docs/permissions.md is
this module's output (`maharat permission-matrix`), and a test keeps the committed file current."""

from __future__ import annotations

from . import records
from .records import Via
from .roles import Role

ORDER = ("view", "add", "change", "delete", "submit", "approve", "return", "accept", "grant", "close", "revoke",
         "respond", "verify", "cancel", "check", "inspect", "decide", "rule", "appeal",
         "sign", "issue", "pay", "disburse", "collect", "default", "write_off")


def _path(path: object) -> str:
    if isinstance(path, Via):
        return f"through {path.model._meta.label} ({path.link} → {path.path})"
    return f"`{path}`" if path else "the unit itself"


def markdown() -> str:
    kinds = records.kinds()
    lines = ["# Permission matrix", "",
             "Generated from the apps' declarations (`<app>/records.py`) by `maharat permission-matrix`; do not",
             "edit by hand. Each cell is what the role may do **inside its unit's subtree** (a partner: only what",
             "it referred); outside, the record is not found (404). `access/tests/test_permission_matrix.py` holds",
             "the same table written by hand.", "",
             "| kind | declared by | " + " | ".join(r.value for r in Role) + " |",
             "|---|---|" + "---|" * len(Role)]
    for name in sorted(kinds):
        kind = kinds[name]
        cells = [", ".join(a for a in ORDER if a in kind.roles.get(role, ())) or "—" for role in Role]
        lines.append(f"| {name} | {kind.app_label} | " + " | ".join(cells) + " |")
    lines += ["", "## Where each record sits", "",
              "| model | kind | its unit | also seen from | a write must lie under | locked by the month of | partners see |",
              "|---|---|---|---|---|---|---|"]
    for model, rec in sorted(records.records().items(), key=lambda item: item[0]._meta.label):
        unit = "national (everyone)" if rec.unit is None else _path(rec.unit)
        lines.append(" | ".join([
            f"| {model._meta.label}", rec.kind, unit, ", ".join(_path(p) for p in rec.seen_at) or "—",
            "— (HQ)" if rec.unit is None else (_path(rec.owner) if rec.owner else "its unit"), f"`{rec.lock_day}`" if rec.lock_day else "—",
            _path(rec.referred) if rec.referred else "nothing"]) + " |")
    lines += ["", "## Derived or internal (not listed or written by users)", ""]
    lines += [f"- {model._meta.label}: {why}" for model, why in
              sorted(records.internal_models().items(), key=lambda item: item[0]._meta.label)]
    return "\n".join(lines) + "\n"
