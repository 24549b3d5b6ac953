"""Supervision's pages: visits, the visit plan and risk, sanction proposals, complaints (the province's desk
and the public form), and the method HQ sets (checklist, weights)."""
