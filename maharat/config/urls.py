from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from django.views.generic import RedirectView

from maharat.access import twofactor
from maharat.assessment import urls as assessment_urls
from maharat.web import accounts, audit, home

urlpatterns = [
    # Browsers ask for /favicon.ico whatever the page says; answer from the static files.
    path("favicon.ico", RedirectView.as_view(url="/static/img/favicon.svg", permanent=True)),
    path("", home.HomeView.as_view(), name="home"),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/security/", twofactor.security, name="security"),
    path("accounts/2fa/", twofactor.verify, name="two_factor_verify"),
    # The user's own password (Persian templates in templates/registration/; web/accounts.py audits).
    path("accounts/password/change/", accounts.PasswordChangeView.as_view(), name="password_change"),
    path("accounts/password/change/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("accounts/password/reset/", accounts.PasswordResetView.as_view(), name="password_reset"),
    path("accounts/password/reset/sent/", auth_views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path("accounts/password/reset/<uidb64>/<token>/", accounts.PasswordResetConfirmView.as_view(),
         name="password_reset_confirm"),
    path("accounts/password/reset/complete/", auth_views.PasswordResetCompleteView.as_view(),
         name="password_reset_complete"),
    # Managing the accounts of one's subtree (access/accounts.py).
    path("accounts/users/", accounts.account_list, name="account_list"),
    path("accounts/users/new/", accounts.account_create, name="account_create"),
    path("accounts/users/<int:pk>/", accounts.account_detail, name="account_detail"),
    path("accounts/users/<int:pk>/edit/", accounts.account_update, name="account_update"),
    path("accounts/users/<int:pk>/<slug:action>/", accounts.account_action, name="account_action"),
    path("accounts/tokens/", twofactor.api_tokens, name="api_tokens"),
    path("accounts/tokens/manage/", twofactor.api_tokens_managed, name="api_tokens_managed"),
    path("accounts/tokens/<int:pk>/revoke/", twofactor.api_token_revoke, name="api_token_revoke"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("periods/", include("maharat.approval.urls")),
    path("audit/", audit.audit_list, name="audit_list"),
    path("monitoring/", include("maharat.monitoring.urls")),
    # The commitment pages need monitoring's figures, so they live there (monitoring/views_commitments.py).
    path("commitments/", include("maharat.monitoring.views_commitments")),
    path("assessment/", include("maharat.assessment.urls")),
    path("import/", include("maharat.exchange.urls")),
    path("jobs/", include("maharat.jobs.urls")),
    path("inbox/", include("maharat.notify.urls")),
    path("attachments/", include("maharat.attachments.urls")),
    path("calendar/", include("maharat.workdays.urls")),
    path("followups/", include("maharat.followup.urls")),
    path("institutes/", include("maharat.institutes.urls")),
    path("fees/", include("maharat.fees.urls")),
    path("supervision/", include("maharat.supervision.urls")),
    path("purchasing/", include("maharat.purchasing.urls")),
    path("loans/", include("maharat.loans.urls")),
    path("api/", include("maharat.api.urls")),
    *assessment_urls.public_urlpatterns,
    path("units/", include("maharat.org.urls")),
    path("standards/", include("maharat.catalog.urls")),
    path("", include("maharat.people.urls")),
    path("", include("maharat.training.urls")),
    path("admin/", admin.site.urls),
]

admin.site.site_header = _("مهارت — مدیریت پشتیبان")
admin.site.site_title = _("مهارت")
admin.site.index_title = _("مدیریت داده‌ها")
