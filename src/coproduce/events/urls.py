from django.urls import path

from . import views

app_name = "events"
urlpatterns = [
    path("", views.public_list, name="public_list"),
    path("mine/", views.my_events, name="my_events"),
    path("mine/calendar-address/", views.calendar_feed_change, name="calendar_feed_change"),
    path("calendar/<str:token>.ics", views.calendar_feed, name="calendar_feed"),
    path(
        "registrations/<int:registration_id>/cancel/", views.cancel_registration, name="cancel_registration"
    ),
    path("confirm/<str:token>/", views.confirm_sign_up, name="confirm_sign_up"),
    path("project/<int:project_id>/", views.project_events, name="project_events"),
    path("project/<int:project_id>/new/", views.event_create, name="event_create"),
    path("<int:event_id>/", views.event_detail, name="event_detail"),
    path("<int:event_id>/sign-up/", views.register, name="register"),
    path("<int:event_id>/my-place/", views.registration, name="registration"),
    path("<int:event_id>/signed-up/", views.signed_up, name="signed_up"),
    path("<int:event_id>/calendar.ics", views.event_ics, name="event_ics"),
    path("<int:event_id>/edit/", views.event_edit, name="event_edit"),
    path("<int:event_id>/agenda/", views.agenda, name="agenda"),
    path("<int:event_id>/agenda/<int:item_id>/edit/", views.agenda_item_edit, name="agenda_item_edit"),
    path("<int:event_id>/agenda/<int:item_id>/move/", views.agenda_item_move, name="agenda_item_move"),
    path("<int:event_id>/agenda/<int:item_id>/remove/", views.agenda_item_remove, name="agenda_item_remove"),
    path("<int:event_id>/registrations/", views.manage, name="manage"),
    path("<int:event_id>/check-in/", views.check_in, name="check_in"),
    path("<int:event_id>/check-in/<int:registration_id>/", views.check_in_person, name="check_in_person"),
]
