"""The site's URLs. Paths carry record ids only, never personal data."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from klientstod import twofactor
from klientstod.forms import PasswordChangeForm
from klientstod.sso import views as sso_views

urlpatterns = [
    # The password login, with a button for each organisation's identity provider.
    path("accounts/login/", sso_views.LoginView.as_view(), name="login"),
    # Ends the provider's session too, after a sign-in through one (klientstod.sso).
    path("accounts/logout/", sso_views.LogoutView.as_view(), name="logout"),
    path("accounts/sso/<slug:slug>/", sso_views.start, name="sso-start"),
    path("accounts/sso/<slug:slug>/callback/", sso_views.callback, name="sso-callback"),
    path("accounts/two-factor/", twofactor.verify, name="two-factor"),
    path("accounts/two-factor/setup/", twofactor.setup, name="two-factor-setup"),
    # Every user changes their own password here (Django's views, our form and templates).
    path(
        "accounts/password_change/",
        auth_views.PasswordChangeView.as_view(
            form_class=PasswordChangeForm, template_name="registration/password_change.html"
        ),
        name="password_change",
    ),
    path(
        "accounts/password_change/done/",
        auth_views.PasswordChangeDoneView.as_view(
            template_name="registration/password_changed.html"
        ),
        name="password_change_done",
    ),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("", include("referrals.urls")),
    path("", include("interventions.urls")),
    path("", include("reporting.urls")),
    path("", include("reminders.urls")),
    path("", include("klientstod.core_urls")),
]
