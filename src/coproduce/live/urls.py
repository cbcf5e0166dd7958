from django.urls import path

from . import views

app_name = "live"
urlpatterns = [
    path("event/<int:event_id>/", views.for_event, name="for_event"),
    path("join/", views.join, name="join"),
    path("j/<str:code>/", views.join_code, name="join_code"),
    path("<int:session_id>/", views.participant_page, name="participant"),
    path("<int:session_id>/panel/", views.participant_panel, name="panel"),
    path("<int:session_id>/state/", views.state, name="state"),
    path("<int:session_id>/screen/", views.screen, name="screen"),
    path("<int:session_id>/screen/panel/", views.screen_panel, name="screen_panel"),
    path("<int:session_id>/qr.svg", views.qr_code, name="qr"),
    path("<int:session_id>/control/", views.control, name="control"),
    path("<int:session_id>/control/timer/", views.control_action, name="control_action"),
    path("<int:session_id>/control/settings/", views.update_settings, name="settings"),
    path("<int:session_id>/control/co-facilitators/", views.co_facilitators, name="co_facilitators"),
    path("<int:session_id>/control/phases/new/", views.edit_phase, name="add_phase"),
    path("<int:session_id>/control/phases/<int:phase_id>/", views.edit_phase, name="edit_phase"),
    path(
        "<int:session_id>/control/phases/<int:phase_id>/order/", views.change_phase_order, name="phase_order"
    ),
]
