"""Sign-in, profile and data rights. Views parse input, check permission, call actions and access.

How often a browser or an address may ask for sign-in e-mails or try codes is decided here (rate
limits belong to the requests, not to the actions).
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_required
from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_ratelimit.core import is_ratelimited

from coproduce.core.views import rate_limited

from . import signin
from .access import active_people_by_email, active_person_by_email, declared_perspectives, find_sign_in_link
from .actions import (
    do_erase_person,
    do_export_person_data,
    do_send_sign_in_email,
    do_set_perspectives,
    do_sign_in_demo_person,
    do_sign_in_with_code,
    do_sign_in_with_link,
    do_update_profile,
)
from .data_rights import erasure_warnings
from .forms import CodeForm, EraseForm, ProfileForm, SignInForm
from .models import Person

PENDING = "people.pending_sign_in"  # the address this browser asked a code for, and when
BACKEND = "django.contrib.auth.backends.ModelBackend"
ADDRESS_LIMITED = (
    "We have sent several sign-in e-mails to this address in the last hour. Use the most "
    "recent one, or try again in an hour."
)

# Fixed-window limits (django-ratelimit; the cache is Redis in production so every worker shares them).
# Per client generous enough for a workshop room sharing one wifi connection.
RATE_PER_ADDRESS = "5/h"
RATE_PER_CLIENT = "30/h"
RATE_CODE_TRIES_PER_CLIENT = "20/10m"


def _address_key(email: str):
    return lambda group, request: f"address:{signin.normalise_email(email)}"


def _sign_in_request_limit(request: HttpRequest, email: str) -> str | None:
    """Count one request for a sign-in e-mail. Returns "client" or "address" when over a limit.

    The same limits apply whether or not the address has an account, so they reveal nothing.
    """
    if is_ratelimited(request, group="people.sign_in.client", key="ip", rate=RATE_PER_CLIENT, increment=True):
        return "client"
    if is_ratelimited(
        request,
        group="people.sign_in.address",
        key=_address_key(email),
        rate=RATE_PER_ADDRESS,
        increment=True,
    ):
        return "address"
    return None


def _code_try_limited(request: HttpRequest) -> bool:
    """Count one typed code from this client; True when over the limit."""
    return is_ratelimited(
        request, group="people.sign_in.code", key="ip", rate=RATE_CODE_TRIES_PER_CLIENT, increment=True
    )


# --- Sign-in ---------------------------------------------------------------------------------------


def _demo_people() -> list[tuple]:
    """(DemoPerson, Person) pairs, only in demo mode."""
    if not settings.DEMO_MODE:
        return []
    from coproduce.demo.cast import DEMO_PEOPLE

    found = active_people_by_email(d.email for d in DEMO_PEOPLE)
    return [(demo, found[demo.email]) for demo in DEMO_PEOPLE if demo.email in found]


def _complete_sign_in(request: HttpRequest, person: Person, next_url: str) -> HttpResponse:
    request.session.pop(PENDING, None)
    login(request, person, backend=BACKEND)
    if not person.badge_name:
        messages.info(
            request, "Welcome to Coproduce. Please choose a badge name: the name other people will see."
        )
        return redirect("people:profile")
    messages.success(request, f"You are signed in as {person.badge_name}.")
    return redirect(signin.safe_next_url(next_url) or settings.LOGIN_REDIRECT_URL)


@never_cache
@require_http_methods(["GET", "POST"])
def sign_in(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        form = SignInForm(request.POST)
        if form.is_valid():
            email = form.cleaned_data["email"]
            limit = _sign_in_request_limit(request, email)
            if limit == "client":
                return rate_limited(request)
            if limit == "address":
                form.add_error("email", ADDRESS_LIMITED)
            else:
                next_url = signin.safe_next_url(form.cleaned_data["next"])
                # Only people who already have an account get an e-mail; the page that follows is the
                # same either way, so it never reveals whether an address is known.
                person = active_person_by_email(email)
                if person is not None:
                    do_send_sign_in_email(person, next_url=next_url, acting_user=None)
                request.session[PENDING] = {
                    "email": email,
                    "requested_at": timezone.now().isoformat(),
                    "wrong": 0,
                    "next": next_url,
                }
                return redirect("people:sign_in_code")
    else:
        form = SignInForm(initial={"next": signin.safe_next_url(request.GET.get("next"))})
    return render(request, "people/sign_in.html", {"form": form, "demo_people": _demo_people()})


@never_cache
@require_http_methods(["GET", "POST"])
def sign_in_code(request: HttpRequest) -> HttpResponse:
    pending = request.session.get(PENDING)
    if not pending:
        return redirect("people:sign_in")
    problem = ""
    requested_at = datetime.fromisoformat(pending["requested_at"])
    if timezone.now() - requested_at > signin.LIFETIME:
        problem = "expired"
    elif pending["wrong"] >= signin.MAX_WRONG_CODES:
        problem = "too_many"
    form = CodeForm()
    if request.method == "POST" and not problem:
        if _code_try_limited(request):
            return rate_limited(request)
        form = CodeForm(request.POST)
        if form.is_valid():
            result = do_sign_in_with_code(email=pending["email"], code=form.cleaned_data["code"])
            if result.person is not None:
                return _complete_sign_in(request, result.person, result.next_url or pending["next"])
            pending["wrong"] += 1
            request.session[PENDING] = pending
            if pending["wrong"] >= signin.MAX_WRONG_CODES:
                problem = "too_many"
            else:
                form.add_error(
                    "code", "That code is not right. Check the most recent e-mail from us and try again"
                )
    return render(
        request,
        "people/sign_in_code.html",
        {
            "form": form,
            "email": pending["email"],
            "next": pending["next"],
            "problem": problem,
            "minutes": signin.lifetime_minutes(),
        },
    )


@never_cache
@require_http_methods(["GET", "POST"])
def sign_in_link(request: HttpRequest, token: str) -> HttpResponse:
    """GET shows a button; only the POST uses the link, so e-mail scanners that fetch links do not."""
    if request.method == "POST":
        result = do_sign_in_with_link(token)
        if result.person is not None:
            return _complete_sign_in(request, result.person, result.next_url)
    else:
        result = find_sign_in_link(token)
    # Always 200: a 4xx would make Django log the URL, and with it the token.
    return render(request, "people/sign_in_link.html", {"result": result, "token": token})


@never_cache
@require_POST
def sign_in_link_renew(request: HttpRequest, token: str) -> HttpResponse:
    """Send a fresh link to whoever an expired or used link was for (to their address, not this browser)."""
    result = find_sign_in_link(token)
    if result.token is None:
        return redirect("people:sign_in")
    person = result.token.person
    limit = _sign_in_request_limit(request, person.email)
    if limit == "client":
        return rate_limited(request)
    if limit is None:
        do_send_sign_in_email(person, next_url=result.token.next_url, acting_user=None)
    return render(
        request,
        "people/sign_in_link.html",
        {
            "result": result,
            "token": token,
            "renewed": limit is None,
            "address_limited": limit == "address",
        },
    )


@require_POST
def sign_in_demo(request: HttpRequest) -> HttpResponse:
    """One click sign-in as a demo person: exists only while settings.DEMO_MODE is on."""
    if not settings.DEMO_MODE:
        raise Http404("No such page.")
    email = signin.normalise_email(request.POST.get("email", ""))
    for _demo, person in _demo_people():
        if person.email == email:
            do_sign_in_demo_person(person)
            return _complete_sign_in(request, person, request.POST.get("next", ""))
    raise Http404("No such demo person.")


@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    logout(request)
    messages.info(request, "You have signed out.")
    return redirect("core:home")


# --- Profile and data rights -----------------------------------------------------------------------


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def profile(request: HttpRequest) -> HttpResponse:
    person: Person = request.user
    perspectives = declared_perspectives(person)
    if request.method == "POST":
        form = ProfileForm(request.POST)
        if form.is_valid():
            data = dict(form.cleaned_data)
            chosen = data.pop("perspectives")
            do_update_profile(person, acting_user=person, **data)
            do_set_perspectives(person, chosen, acting_user=person)
            messages.success(request, "Your profile is saved.")
            return redirect("people:profile")
    else:
        form = ProfileForm(
            initial={
                "badge_name": person.badge_name,
                "pronouns": person.pronouns,
                "contact_preference": person.contact_preference,
                "phone": person.phone,
                "postal_address": person.postal_address,
                "access_needs": person.access_needs,
                "access_needs_details": person.access_needs_details,
                "perspectives": perspectives,
            }
        )
    return render(
        request,
        "people/profile.html",
        {
            "form": form,
            "person": person,
            "review_due": person.access_needs_review_due(),
        },
    )


@never_cache
@login_required
@require_GET
def my_data(request: HttpRequest) -> HttpResponse:
    data = do_export_person_data(request.user, acting_user=request.user)
    response = JsonResponse(
        data, encoder=DjangoJSONEncoder, json_dumps_params={"indent": 2, "ensure_ascii": False}
    )
    response["Content-Disposition"] = 'attachment; filename="coproduce-my-data.json"'
    return response


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def erase_me(request: HttpRequest) -> HttpResponse:
    form = EraseForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        do_erase_person(request.user, acting_user=request.user)
        logout(request)
        messages.success(
            request,
            "Your personal data has been erased and you have been signed out. Thank you for taking part.",
        )
        return redirect("core:home")
    return render(request, "people/erase.html", {"form": form, "warnings": erasure_warnings(request.user)})
