from django.urls import path

from . import views

app_name = "deliberation"
urlpatterns = [
    path("<int:session_id>/statements/new/", views.submit_statement, name="submit_statement"),
    path("<int:session_id>/statements/vote/", views.vote, name="vote"),
    path("<int:session_id>/statements/mine/", views.my_votes, name="my_votes"),
    path("<int:session_id>/statements/add/", views.seed_statement, name="seed_statement"),
    path("<int:session_id>/statements/<int:statement_id>/moderate/", views.moderate, name="moderate"),
    path("<int:session_id>/take-home/", views.take_home, name="take_home"),
    path(
        "<int:session_id>/take-home/<int:message_id>/",
        views.take_home_visibility,
        name="take_home_visibility",
    ),
    path("<int:session_id>/pieces/", views.piece, name="piece"),
    path("<int:session_id>/map/", views.map_fragment, name="map"),
    path("<int:session_id>/map/text/", views.map_text, name="map_text"),
    path("<int:session_id>/outcomes/", views.outcomes, name="outcomes"),
    path("<int:session_id>/outcomes/<str:name>", views.export, name="export"),
]
