# Placeholder views: replaced by the people app's sign-in and profile work.
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST


def sign_in(request):
    return HttpResponse("Sign in")


@require_POST
def sign_out(request):
    logout(request)
    return redirect("core:home")


@login_required
def profile(request):
    return HttpResponse(request.user.badge_name)
