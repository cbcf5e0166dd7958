# Placeholder views: replaced by the events app's work.
from django.http import HttpResponse


def public_list(request):
    return HttpResponse("Events")


def my_events(request):
    return HttpResponse("My events")
