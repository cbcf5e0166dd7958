from django.urls import path

from . import views

app_name = "outcomes"
urlpatterns = [
    path("mine/", views.mine, name="mine"),
    path("mine/seen/", views.mine_seen, name="mine_seen"),
    path("project/<int:project_id>/", views.project_actions, name="project_actions"),
    path("project/<int:project_id>/public/", views.public_page_settings, name="public_page_settings"),
    path("you-said-we-did/<int:project_id>/", views.public_page, name="public_page"),
    path("project/<int:project_id>/new/", views.action_create, name="action_create"),
    path("actions/<int:action_id>/", views.action_detail, name="action_detail"),
    path("actions/<int:action_id>/update/", views.action_update, name="action_update"),
    path("actions/<int:action_id>/link/", views.action_link, name="action_link"),
]
