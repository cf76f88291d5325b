from django.urls import path

from vigil.patrols import views, views_gap_caps, views_walkways

app_name = "patrols"

urlpatterns = [
    path("patrol/", views.home, name="home"),
    path("patrol/start/", views.start, name="start"),
    path("patrol/away/", views.away, name="away"),
    path("patrol/end/", views.end, name="end"),
    path("patrol/t/<str:token>/", views.tag, name="tag"),
    path("patrol/checkin/", views.checkin, name="checkin"),
    path("patrol/attest/", views.attest, name="attest"),
    path("patrol/panic/", views.panic, name="panic"),
    path("patrol/check/<str:node>/", views.check, name="check"),
    path("patrol/sync/", views.sync, name="sync"),
    path("patrol/sync/checklist/", views.sync_checklist, name="sync_checklist"),
    path("patrol/offline/", views.offline, name="offline"),
    path("patrol/sw.js", views.service_worker, name="sw"),
    path("patrol/tags/<int:pk>.pdf", views.tag_sheet_pdf, name="tag_sheet"),
    path("patrol/schools/", views.overview, name="overview"),
    path("patrol/week/<slug:slug>/", views.week, name="week"),
    path(
        "patrol/activity/<slug:slug>/<int:officer>/<str:day>.pdf", views.activity, name="activity"
    ),
    path("patrol/board/<slug:slug>/", views.board, name="board"),
    path("patrol/board/<slug:slug>/shift/<int:pk>/reveal/", views.reveal, name="reveal"),
    path("patrol/coverage/<slug:slug>/", views.coverage, name="coverage"),
    path("patrol/walkways/<slug:slug>/", views_walkways.walkways, name="walkways"),
    path("patrol/walkways/<slug:slug>/edit/", views_walkways.walkway_edit, name="walkway_edit"),
    path(
        "patrol/walkways/<slug:slug>/undo/<int:pk>/",
        views_walkways.walkway_undo,
        name="walkway_undo",
    ),
    path("patrol/gap-cap/<slug:slug>/", views_gap_caps.gap_cap, name="gap_cap"),
    path(
        "patrol/gap-cap/<slug:slug>/choose/", views_gap_caps.gap_cap_choose, name="gap_cap_choose"
    ),
    path(
        "patrol/gap-cap/<slug:slug>/measure/",
        views_gap_caps.gap_cap_measure,
        name="gap_cap_measure",
    ),
    path(
        "patrol/gap-cap/<slug:slug>/progress/",
        views_gap_caps.gap_cap_progress,
        name="gap_cap_progress",
    ),
    path(
        "patrol/gap-cap/<slug:slug>/undo/<int:pk>/",
        views_gap_caps.gap_cap_undo,
        name="gap_cap_undo",
    ),
    path("patrol/findings/<slug:slug>/", views.findings, name="findings"),
    path("patrol/work-orders/<int:pk>/", views.work_order, name="work_order"),
]
