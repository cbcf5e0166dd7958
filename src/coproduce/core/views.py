from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from .home import sections_for


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "core/home.html", {"sections": sections_for(request.user)})


def accessibility(request: HttpRequest) -> HttpResponse:
    return render(request, "core/accessibility.html")


def not_found(request: HttpRequest, exception=None) -> HttpResponse:
    return render(request, "core/not_found.html", status=404)


def rate_limited(request: HttpRequest, exception=None) -> HttpResponse:
    return render(request, "core/rate_limited.html", status=429)
