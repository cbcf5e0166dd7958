from django.urls import path

from . import views

app_name = "partnerships"
urlpatterns = [
    path("", views.project_list, name="project_list"),
    path("new/", views.project_create, name="project_create"),
    path("organisations/", views.organisation_list, name="organisation_list"),
    path("organisations/new/", views.organisation_create, name="organisation_create"),
    path("<int:project_id>/", views.project_detail, name="project_detail"),
    path("<int:project_id>/edit/", views.project_edit, name="project_edit"),
    path("<int:project_id>/status/", views.project_status, name="project_status"),
    path("<int:project_id>/leave/", views.project_leave, name="project_leave"),
    path("<int:project_id>/members/", views.members, name="members"),
    path("<int:project_id>/members/<int:membership_id>/role/", views.member_role, name="member_role"),
    path("<int:project_id>/members/<int:membership_id>/remove/", views.member_remove, name="member_remove"),
    path("<int:project_id>/invite/", views.invite, name="invite"),
    path("<int:project_id>/perspectives/", views.project_perspectives, name="project_perspectives"),
    path("<int:project_id>/ground-rules/", views.ground_rules, name="ground_rules"),
    path("<int:project_id>/ground-rules/agree/", views.ground_rules_agree, name="ground_rules_agree"),
    path("<int:project_id>/ground-rules/draft/", views.ground_rules_draft, name="ground_rules_draft"),
    path("<int:project_id>/ground-rules/publish/", views.ground_rules_publish, name="ground_rules_publish"),
    path(
        "<int:project_id>/ground-rules/versions/<int:number>/",
        views.ground_rules_version,
        name="ground_rules_version",
    ),
]
