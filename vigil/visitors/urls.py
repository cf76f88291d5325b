from django.urls import path

from vigil.visitors import views

app_name = "visitors"

urlpatterns = [
    path("visitors/", views.home, name="home"),
    path("visitors/alerts/", views.alerts, name="alerts"),
    path("visitors/alerts/feed/", views.alerts_feed, name="alerts_feed"),
    path("visitors/alerts/<int:pk>/acknowledge/", views.alert_ack, name="alert_ack"),
    path("visitors/lists/", views.lists, name="lists"),
    path("visitors/lists/watch/new/", views.watch_new, name="watch_new"),
    path("visitors/lists/watch/<int:pk>/", views.watch_edit, name="watch_edit"),
    path("visitors/lists/watch/<int:pk>/notice/", views.watch_notice, name="watch_notice"),
    path("visitors/lists/registry/import/", views.registry_import, name="registry_import"),
    path("visitors/preregistrations/", views.preregistrations, name="preregistrations"),
    path("visitors/preregistrations/new/", views.prereg_new, name="prereg_new"),
    path("visitors/preregistrations/<int:pk>/", views.prereg_edit, name="prereg_edit"),
    path(
        "visitors/preregistrations/<int:pk>/approve/", views.prereg_approve, name="prereg_approve"
    ),
    path("visitors/visit/<int:pk>/", views.visit_detail, name="visit"),
    path("visitors/visit/<int:pk>/id/", views.visit_id, name="visit_id"),
    path("visitors/visit/<int:pk>/photo/", views.visit_photo, name="visit_photo"),
    path("visitors/visit/<int:pk>/review/", views.review, name="review"),
    path("visitors/visit/<int:pk>/badge.pdf", views.visit_badge, name="badge"),
    path("visitors/visit/<int:pk>/sign-out/", views.sign_out, name="sign_out"),
    path("visitors/visit/<int:pk>/kiosk-done/", views.kiosk_done, name="kiosk_done"),
    path("visitors/candidate/<int:pk>/decide/", views.decide, name="decide"),
    path("visitors/out/<str:token>/", views.sign_out_qr, name="sign_out_qr"),
    path("visitors/school/<slug:slug>/", views.desk, name="desk"),
    path("visitors/school/<slug:slug>/check-in/", views.check_in, name="check_in"),
    path("visitors/school/<slug:slug>/on-campus/", views.on_campus, name="on_campus"),
    path("visitors/school/<slug:slug>/still-signed-in/", views.still_in, name="still_in"),
]
