from django.urls import path

from . import views

app_name = "referrals"

urlpatterns = [
    path("information/", views.information, name="information"),
    path("referrals/new/", views.referral_create, name="referral-create"),
    path("referrals/mine/", views.referral_mine, name="referral-mine"),
    path("referrals/<int:pk>/sent/", views.referral_sent, name="referral-sent"),
    path("referrals/inbox/", views.referral_inbox, name="referral-inbox"),
    path("referrals/paper/new/", views.referral_paper_create, name="referral-paper-create"),
    path("referrals/<int:pk>/", views.referral_detail, name="referral-detail"),
    path("referrals/<int:pk>/actualise/", views.referral_actualise, name="referral-actualise"),
    path("referrals/<int:pk>/decline/", views.referral_decline, name="referral-decline"),
    path("referrals/<int:pk>/letter/", views.referral_letter, name="referral-letter"),
    path("referrals/times/", views.slot_list, name="slot-list"),
    path("referrals/times/<int:pk>/withdraw/", views.slot_delete, name="slot-delete"),
    path("consultations/", views.consultation_list, name="consultation-list"),
    path("consultations/new/", views.consultation_create, name="consultation-create"),
    path("consultations/<int:pk>/", views.consultation_detail, name="consultation-detail"),
]
