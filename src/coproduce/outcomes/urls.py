from django.urls import path

from . import feedback_views, views

app_name = "outcomes"
urlpatterns = [
    path("mine/", views.mine, name="mine"),
    path("mine/seen/", views.mine_seen, name="mine_seen"),
    path("project/<int:project_id>/", views.project_actions, name="project_actions"),
    path("project/<int:project_id>/public/", views.public_page_settings, name="public_page_settings"),
    path("you-said-we-did/<int:project_id>/", views.public_page, name="public_page"),
    path("project/<int:project_id>/impact/", views.impact_report, name="impact_report"),
    path("project/<int:project_id>/impact/gripp2/", views.gripp2_save, name="gripp2_save"),
    path("project/<int:project_id>/decisions/", views.decisions, name="decisions"),
    path("project/<int:project_id>/decisions/new/", views.decision_create, name="decision_create"),
    path("project/<int:project_id>/new/", views.action_create, name="action_create"),
    path("actions/<int:action_id>/", views.action_detail, name="action_detail"),
    path("actions/<int:action_id>/update/", views.action_update, name="action_update"),
    path("actions/<int:action_id>/link/", views.action_link, name="action_link"),
    path("actions/<int:action_id>/unlink/<int:source_id>/", views.action_unlink, name="action_unlink"),
    path("project/<int:project_id>/feedback/", feedback_views.project_feedback, name="project_feedback"),
    path("events/<int:event_id>/feedback/new/", feedback_views.feedback_form_create, name="feedback_new"),
    path("feedback/<int:form_id>/", feedback_views.feedback_manage, name="feedback_manage"),
    path(
        "feedback/<int:form_id>/questions/",
        feedback_views.feedback_add_question,
        name="feedback_add_question",
    ),
    path("feedback/<int:form_id>/open/", feedback_views.feedback_set_open, name="feedback_set_open"),
    path("feedback/<int:form_id>/respond/", feedback_views.feedback_respond, name="feedback_respond"),
    path("feedback/<int:form_id>/easy-read/", feedback_views.feedback_easy_read, name="feedback_easy_read"),
    path("feedback/<int:form_id>/results/", feedback_views.feedback_results, name="feedback_results"),
    path(
        "feedback/<int:form_id>/to-sensemaking/",
        feedback_views.feedback_send_to_sensemaking,
        name="feedback_send_to_sensemaking",
    ),
]
