"""Supervision's records: the checklist and its versions, visits with their answers and findings, sanction
proposals, complaints, and the risk formula's settings (one file each)."""

from .checklist import Area, ChecklistItem, ChecklistStatus, ChecklistVersion, Severity
from .complaints import OPEN_COMPLAINT, Category, ComplainantKind, Complaint, ComplaintStatus
from .sanctions import PROPOSABLE, ProposalStatus, SanctionProposal, Trigger
from .settings import EDITABLE, RiskSettings
from .visits import HELD, Answer, Finding, Result, Visit, VisitKind, VisitStatus

__all__ = [
    "EDITABLE", "HELD", "OPEN_COMPLAINT", "PROPOSABLE", "Answer", "Area", "Category", "ChecklistItem",
    "ChecklistStatus", "ChecklistVersion", "ComplainantKind", "Complaint", "ComplaintStatus", "Finding",
    "ProposalStatus", "Result", "RiskSettings", "SanctionProposal", "Severity", "Trigger", "Visit", "VisitKind",
    "VisitStatus",
]
