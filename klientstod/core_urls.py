from django.urls import path

from . import calendar_views, desk_views, feed_views, privacy_views, views

app_name = "klientstod"

urlpatterns = [
    path("", views.home, name="home"),
    path("accessibility/", views.accessibility, name="accessibility"),
    path("health/", views.health, name="health"),
    path("audit/", privacy_views.audit_log, name="audit-log"),
    path("retention/", privacy_views.retention_page, name="retention"),
    path("cases/", views.case_list, name="case-list"),
    path("cases/<int:pk>/", views.CaseDetailView.as_view(), name="case-detail"),
    path("cases/<int:pk>/edit/", views.CaseUpdateView.as_view(), name="case-update"),
    path("cases/<int:pk>/close/", views.case_close, name="case-close"),
    path("cases/<int:pk>/follow-up/", views.case_follow_up, name="case-follow-up"),
    path("cases/<int:case_pk>/meetings/new/", views.meeting_create, name="meeting-create"),
    path("clients/new/", views.client_create, name="client-create"),
    path("clients/<int:pk>/", views.ClientDetailView.as_view(), name="client-detail"),
    path("clients/<int:pk>/edit/", views.client_update, name="client-update"),
    path("clients/<int:client_pk>/cases/new/", views.case_create, name="case-create"),
    path("clients/<int:client_pk>/consents/new/", views.consent_create, name="consent-create"),
    path("consents/<int:pk>/withdraw/", views.consent_withdraw, name="consent-withdraw"),
    path("meetings/<int:pk>/edit/", views.meeting_update, name="meeting-update"),
    path(
        "account/calendar/",
        feed_views.calendar_subscription,
        name="calendar-subscription",
    ),
    path(
        "account/calendar/turn-off/",
        feed_views.calendar_subscription_revoke,
        name="calendar-subscription-revoke",
    ),
    # A calendar app's address: no session; the secret token in it is the key.
    path("calendar/<str:token>.ics", feed_views.calendar_feed, name="calendar-feed"),
    path("meetings/<int:pk>/outcome/", views.meeting_outcome, name="meeting-outcome"),
    path("meetings/<int:pk>/row/", desk_views.meeting_row, name="meeting-row"),
    path("meetings/<int:pk>/note/", desk_views.meeting_note, name="meeting-note"),
    path("calendar/", calendar_views.calendar, name="calendar"),
    path("calendar/book/", calendar_views.calendar_book, name="calendar-book"),
]
