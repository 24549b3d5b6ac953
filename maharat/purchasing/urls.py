from django.urls import path

from .views import contracts, dashboard, evidence, invoices

urlpatterns = [
    path("", contracts.ContractList.as_view(), name="purchase_contract_list"),
    path("new/", contracts.contract_create, name="purchase_contract_create"),
    path("dashboard/", dashboard.dashboard, name="purchase_dashboard"),
    path("<int:pk>/", contracts.ContractDetail.as_view(), name="purchase_contract_detail"),
    path("<int:pk>/edit/", contracts.contract_edit, name="purchase_contract_edit"),
    path("<int:pk>/runs/", contracts.run_add, name="purchase_contract_run_add"),
    path("<int:pk>/runs/<int:link>/remove/", contracts.run_remove, name="purchase_contract_run_remove"),
    path("<int:pk>/employment/", contracts.evidence_create, name="purchase_evidence_create"),
    path("<int:pk>/invoice/<str:tranche>/", invoices.invoice_issue, name="purchase_invoice_issue"),
    path("<int:pk>/<str:action>/", contracts.contract_transition, name="purchase_contract_transition"),
    path("invoices/<int:pk>/", invoices.InvoiceDetail.as_view(), name="purchase_invoice_detail"),
    path("invoices/<int:pk>/pdf/", invoices.invoice_pdf, name="purchase_invoice_pdf"),
    path("invoices/<int:pk>/<str:action>/", invoices.invoice_transition, name="purchase_invoice_transition"),
    path("employment/<int:pk>/", evidence.EvidenceDetail.as_view(), name="purchase_evidence_detail"),
    path("employment/<int:pk>/delete/", evidence.evidence_delete, name="purchase_evidence_delete"),
]
