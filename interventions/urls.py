from django.urls import path

from . import link_views, views

app_name = "interventions"

urlpatterns = [
    path("cases/<int:case_pk>/fia/", views.fia, name="fia"),
    path("cases/<int:case_pk>/fia/edit/", views.fia_edit, name="fia-edit"),
    path("cases/<int:case_pk>/fia/pdf/", views.fia_pdf, name="fia-pdf"),
    path(
        "cases/<int:case_pk>/self-assessments/new/",
        views.assessment_create,
        name="assessment-create",
    ),
    path(
        "cases/<int:case_pk>/self-assessment-links/new/",
        link_views.link_create,
        name="link-create",
    ),
    path("self-assessment-links/<int:pk>/qr/", link_views.link_qr, name="link-qr"),
    path("self-assessment-links/<int:pk>/revoke/", link_views.link_revoke, name="link-revoke"),
    # The client's own page: no login, the token is the key.
    path("svar/<str:token>/", link_views.link_answer, name="link-answer"),
    path("self-assessments/<int:pk>/", views.assessment_detail, name="assessment-detail"),
    path("self-assessments/<int:pk>/edit/", views.assessment_update, name="assessment-update"),
    path("cases/<int:case_pk>/bibliotherapy/new/", views.offer_create, name="offer-create"),
    path(
        "cases/<int:case_pk>/interventions/new/",
        views.intervention_create,
        name="intervention-create",
    ),
    path("interventions/<int:pk>/edit/", views.intervention_update, name="intervention-update"),
    path("bibliotherapy/", views.bibliotherapy, name="bibliotherapy"),
    path("bibliotherapy/offers/<int:pk>/edit/", views.offer_update, name="offer-update"),
    path(
        "bibliotherapy/participants/<int:pk>/", views.participant_detail, name="participant-detail"
    ),
    path("bibliotherapy/groups/new/", views.group_create, name="group-create"),
    path("bibliotherapy/groups/<int:pk>/", views.group_detail, name="group-detail"),
    path(
        "bibliotherapy/information-meetings/new/",
        views.information_meeting_form,
        name="information-meeting-create",
    ),
    path(
        "bibliotherapy/information-meetings/<int:pk>/edit/",
        views.information_meeting_form,
        name="information-meeting-update",
    ),
    path("collaboration/", views.partner_overview, name="partner-overview"),
    path("collaboration/new/", views.contact_create, name="contact-create"),
]
