from django.urls import include, path

urlpatterns = [
    path("", include("coproduce.core.urls")),
    path("", include("coproduce.people.urls")),
    path("projects/", include("coproduce.partnerships.urls")),
    path("events/", include("coproduce.events.urls")),
    path("sensemaking/", include("coproduce.sensemaking.urls")),
    path("live/", include("coproduce.live.urls")),
    path("live/", include("coproduce.deliberation.urls")),
    path("payments/", include("coproduce.recognition.urls")),
    path("outcomes/", include("coproduce.outcomes.urls")),
]

handler404 = "coproduce.core.views.not_found"
