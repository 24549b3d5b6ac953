"""Supervision's writes, one module per record: visits and their findings (visits.py), the checklist
(checklist.py), the risk settings (settings.py), complaints (complaints.py) and sanction proposals
(sanctions.py). Every write asks the permission layer first, runs in one transaction and is audited; the
state changes are the models' transitions, run by kit.workflow.perform."""
