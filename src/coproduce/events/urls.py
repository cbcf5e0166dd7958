from django.urls import path

from . import views

app_name = "events"
urlpatterns = [
    path("", views.public_list, name="public_list"),
    path("mine/", views.my_events, name="my_events"),
]
