"""Project pages. Each view finds the project through ``access`` (not found unless a member), checks one
rule in ``permissions`` (not found if refused), then calls an action or renders.

People who are not signed in are sent to sign in for every page here.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from coproduce.core.errors import add_action_error

from . import access
from .actions import (
    PartnershipError,
    do_agree_to_ground_rules,
    do_change_member_role,
    do_create_organisation,
    do_create_project,
    do_invite_person_to_project,
    do_publish_ground_rules,
    do_remove_member,
    do_save_ground_rules_draft,
    do_set_project_status,
    do_update_project,
)
from .forms import (
    AgreeForm,
    GroundRulesDraftForm,
    InviteForm,
    MemberRoleForm,
    OrganisationForm,
    ProjectForm,
    ProjectStatusForm,
    PublishGroundRulesForm,
)
from .ladder import LADDER
from .models import Membership, Project
from .permissions import ProjectPolicy, can_create_organisation, can_create_project, policy_for
from .perspectives import project_perspective_counts
from .work_links import work_links


def _project_for(request: HttpRequest, project_id: int, rule: str) -> tuple[Project, ProjectPolicy]:
    """The project and the user's policy in it, if the user may ``rule``; otherwise "not found"."""
    project = access.access_project_by_id(request.user, project_id)
    policy = policy_for(request.user, project)
    if not getattr(policy, rule):
        raise Http404("No such project.")
    return project, policy


# --- projects ---------------------------------------------------------------------------------------


@login_required
@require_GET
def project_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "partnerships/project_list.html",
        {
            "memberships": access.memberships_for(request.user),
            "can_create_project": can_create_project(request.user),
        },
    )


@login_required
def project_create(request: HttpRequest) -> HttpResponse:
    if not can_create_project(request.user):
        raise Http404("No such page.")
    form = ProjectForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            project = do_create_project(
                title=form.cleaned_data["title"],
                purpose=form.cleaned_data["purpose"],
                ladder_rung=form.cleaned_data["ladder_rung"],
                organisations=form.cleaned_data["organisations"],
                acting_user=request.user,
            )
        except PartnershipError as error:
            add_action_error(form, error)
        else:
            messages.success(request, f"“{project.title}” is set up, and you are its coordinator.")
            return redirect("partnerships:project_detail", project_id=project.pk)
    return render(request, "partnerships/project_form.html", {"form": form, "project": None})


@login_required
@require_GET
def project_detail(request: HttpRequest, project_id: int) -> HttpResponse:
    project, policy = _project_for(request, project_id, "can_view_project")
    current = access.current_ground_rules(project)
    my_latest = access.latest_version_agreed_by(request.user, project)
    return render(
        request,
        "partnerships/project_detail.html",
        {
            "project": project,
            "policy": policy,
            "organisations": access.organisations_of(project),
            "memberships": access.members_of(project),
            "ladder": LADDER,
            "current_rules": current,
            "my_latest_agreed": my_latest,
            "agreement": access.agreement_overview(project)
            if policy.can_see_ground_rules_agreement
            else None,
            "perspective_counts": (
                project_perspective_counts(project) if policy.can_see_member_perspectives else None
            ),
            "work_links": work_links(request.user, project),
        },
    )


@login_required
def project_edit(request: HttpRequest, project_id: int) -> HttpResponse:
    project, policy = _project_for(request, project_id, "can_edit_project")
    initial = {
        "title": project.title,
        "purpose": project.purpose,
        "ladder_rung": project.ladder_rung,
        "organisations": list(access.organisations_of(project)),
    }
    form = ProjectForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            changed = do_update_project(
                project,
                title=form.cleaned_data["title"],
                purpose=form.cleaned_data["purpose"],
                ladder_rung=form.cleaned_data["ladder_rung"],
                organisations=form.cleaned_data["organisations"],
                acting_user=request.user,
            )
        except PartnershipError as error:
            add_action_error(form, error)
        else:
            messages.success(request, "Your changes are saved." if changed else "Nothing had changed.")
            return redirect("partnerships:project_detail", project_id=project.pk)
    return render(
        request,
        "partnerships/project_form.html",
        {
            "form": form,
            "project": project,
            "policy": policy,
            "status_form": ProjectStatusForm(initial={"status": project.status}),
        },
    )


@login_required
@require_POST
def project_status(request: HttpRequest, project_id: int) -> HttpResponse:
    project, policy = _project_for(request, project_id, "can_set_project_status")
    status_form = ProjectStatusForm(request.POST)
    if status_form.is_valid():
        try:
            changed = do_set_project_status(
                project, status=status_form.cleaned_data["status"], acting_user=request.user
            )
        except PartnershipError as error:
            add_action_error(status_form, error)
        else:
            if changed:
                messages.success(request, f"The project is now {project.get_status_display().lower()}.")
            return redirect("partnerships:project_detail", project_id=project.pk)
    form = ProjectForm(
        initial={
            "title": project.title,
            "purpose": project.purpose,
            "ladder_rung": project.ladder_rung,
            "organisations": list(access.organisations_of(project)),
        }
    )
    return render(
        request,
        "partnerships/project_form.html",
        {
            "form": form,
            "project": project,
            "policy": policy,
            "status_form": status_form,
        },
    )


# --- members ----------------------------------------------------------------------------------------


def _role_form(membership: Membership, data=None) -> MemberRoleForm:
    form = MemberRoleForm(data, initial={"role": membership.role}, auto_id=f"member-{membership.pk}-%s")
    form.fields["role"].label = f"Role for {membership.person.badge_name}"
    return form


@login_required
@require_GET
def members(request: HttpRequest, project_id: int) -> HttpResponse:
    project, policy = _project_for(request, project_id, "can_manage_members")
    rows = [(m, _role_form(m)) for m in access.members_of(project)]
    return render(
        request,
        "partnerships/members.html",
        {
            "project": project,
            "policy": policy,
            "rows": rows,
        },
    )


@login_required
@require_POST
def member_role(request: HttpRequest, project_id: int, membership_id: int) -> HttpResponse:
    project, policy = _project_for(request, project_id, "can_manage_members")
    membership = access.access_membership_by_id(project, membership_id)
    form = _role_form(membership, request.POST)
    accepted = changed = False
    if form.is_valid():
        try:
            changed = do_change_member_role(
                membership, role=form.cleaned_data["role"], acting_user=request.user
            )
            accepted = True
        except PartnershipError as error:
            add_action_error(form, error)
    if accepted:
        membership.refresh_from_db()
        notice = (
            f"{membership.person.badge_name} is now {membership.get_role_display().lower()}."
            if changed
            else ""
        )
        if (
            membership.person_id == request.user.pk
            and not policy_for(request.user, project).can_manage_members
        ):
            # They stepped down as coordinator: the members page is no longer theirs to see.
            messages.success(request, notice)
            response = redirect("partnerships:project_detail", project_id=project.pk)
            if request.htmx:
                response = HttpResponse(status=204, headers={"HX-Redirect": response.url})
            return response
        if request.htmx:
            return render(
                request,
                "partnerships/_member_row.html",
                {
                    "project": project,
                    "membership": membership,
                    "form": _role_form(membership),
                    "notice": notice,
                },
            )
        if notice:
            messages.success(request, notice)
        return redirect("partnerships:members", project_id=project.pk)
    if request.htmx:
        return render(
            request,
            "partnerships/_member_row.html",
            {
                "project": project,
                "membership": membership,
                "form": form,
            },
        )
    rows = [(m, form if m.pk == membership.pk else _role_form(m)) for m in access.members_of(project)]
    return render(
        request,
        "partnerships/members.html",
        {
            "project": project,
            "policy": policy,
            "rows": rows,
        },
    )


@login_required
def member_remove(request: HttpRequest, project_id: int, membership_id: int) -> HttpResponse:
    project, policy = _project_for(request, project_id, "can_manage_members")
    membership = access.access_membership_by_id(project, membership_id)
    error = None
    if request.method == "POST":
        try:
            do_remove_member(membership, acting_user=request.user)
        except PartnershipError as exc:
            error = exc.message
        else:
            messages.success(
                request, f"{membership.person.badge_name} is no longer a member of this project."
            )
            if membership.person_id == request.user.pk:
                return redirect("partnerships:project_list")
            return redirect("partnerships:members", project_id=project.pk)
    return render(
        request,
        "partnerships/member_remove.html",
        {
            "project": project,
            "membership": membership,
            "error": error,
        },
    )


# Invitations and perspective counts answer "not found" to people who are not signed in, rather than
# sending them to sign in: these two addresses have always done so (they were the people app's).


@never_cache
@require_http_methods(["GET", "POST"])
def invite(request: HttpRequest, project_id: int) -> HttpResponse:
    project, policy = _project_for(request, project_id, "can_invite_people")
    form = InviteForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            invitation = do_invite_person_to_project(project, acting_user=request.user, **form.cleaned_data)
        except PartnershipError as error:
            add_action_error(form, error)
        else:
            if invitation.already_member:
                messages.info(
                    request, f"{form.cleaned_data['email']} is already in this project: nothing was changed."
                )
            else:
                messages.success(
                    request,
                    f"Invitation sent to {form.cleaned_data['email']}. They will get an e-mail "
                    "with a link to sign in.",
                )
            return redirect("partnerships:invite", project_id=project.pk)
    return render(request, "partnerships/invite.html", {"form": form, "project": project, "policy": policy})


@require_GET
def project_perspectives(request: HttpRequest, project_id: int) -> HttpResponse:
    project, policy = _project_for(request, project_id, "can_see_member_perspectives")
    counts = project_perspective_counts(project)
    return render(
        request,
        "partnerships/project_perspectives.html",
        {
            "project": project,
            "rows": counts.rows,
            "not_declared": counts.not_declared,
            "people": counts.members,
        },
    )


@login_required
def project_leave(request: HttpRequest, project_id: int) -> HttpResponse:
    project, policy = _project_for(request, project_id, "can_leave_project")
    membership = access.own_membership(request.user, project)
    error = None
    if request.method == "POST":
        try:
            do_remove_member(membership, acting_user=request.user)
        except PartnershipError as exc:
            error = exc.message
        else:
            messages.success(request, f"You have left “{project.title}”.")
            return redirect("partnerships:project_list")
    return render(request, "partnerships/project_leave.html", {"project": project, "error": error})


# --- ground rules -----------------------------------------------------------------------------------


def _agreement_context(
    request: HttpRequest, project: Project, policy: ProjectPolicy, *, error: str = ""
) -> dict:
    current = access.current_ground_rules(project)
    return {
        "project": project,
        "policy": policy,
        "current_rules": current,
        "my_latest_agreed": access.latest_version_agreed_by(request.user, project),
        "agree_error": error,
    }


@login_required
@require_GET
def ground_rules(request: HttpRequest, project_id: int) -> HttpResponse:
    project, policy = _project_for(request, project_id, "can_view_ground_rules")
    context = _agreement_context(request, project, policy)
    current = context["current_rules"]
    draft = access.ground_rules_draft(project)
    context.update(
        {
            "earlier_versions": [
                v for v in access.ground_rules_history(project) if current and v.pk != current.pk
            ],
            "draft": draft,
            "draft_differs": bool(draft and draft.text and (current is None or draft.text != current.text)),
            "agreement": access.agreement_overview(project)
            if policy.can_see_ground_rules_agreement
            else None,
        }
    )
    return render(request, "partnerships/ground_rules.html", context)


@login_required
@require_POST
def ground_rules_agree(request: HttpRequest, project_id: int) -> HttpResponse:
    project, policy = _project_for(request, project_id, "can_agree_ground_rules")
    form = AgreeForm(request.POST)
    error = ""
    if not form.is_valid():
        error = "Something went wrong with that form. Please read the ground rules and try again."
    else:
        version = access.access_ground_rules_version(project, form.cleaned_data["version"])
        try:
            do_agree_to_ground_rules(version, acting_user=request.user)
        except PartnershipError as exc:
            error = exc.message
    if request.htmx:
        return render(
            request, "partnerships/_agreement.html", _agreement_context(request, project, policy, error=error)
        )
    if error:
        messages.error(request, error)
    else:
        messages.success(
            request, f"Thank you. You have agreed to version {version.number} of the ground rules."
        )
    return redirect("partnerships:ground_rules", project_id=project.pk)


@login_required
def ground_rules_draft(request: HttpRequest, project_id: int) -> HttpResponse:
    project, policy = _project_for(request, project_id, "can_edit_ground_rules")
    draft = access.ground_rules_draft(project)
    if draft is None:
        current = access.current_ground_rules(project)
        initial = {"text": current.text if current else "", "revision": 0}
    else:
        initial = {"text": draft.text, "revision": draft.revision}
    form = GroundRulesDraftForm(request.POST or None, initial=initial)
    conflict = None
    if request.method == "POST" and form.is_valid():
        try:
            do_save_ground_rules_draft(
                project,
                text=form.cleaned_data["text"],
                based_on_revision=form.cleaned_data["revision"],
                acting_user=request.user,
            )
        except PartnershipError as error:
            add_action_error(form, error)
            draft = access.ground_rules_draft(project)
            if draft and draft.revision != form.cleaned_data["revision"]:
                conflict = draft
                # Their next save is based on what they have now seen.
                form.data = form.data.copy()
                form.data["revision"] = str(draft.revision)
        else:
            messages.success(request, "The draft is saved. Everyone in the project can read it.")
            return redirect("partnerships:ground_rules", project_id=project.pk)
    return render(
        request,
        "partnerships/ground_rules_draft.html",
        {
            "project": project,
            "policy": policy,
            "form": form,
            "draft": draft,
            "conflict": conflict,
        },
    )


@login_required
def ground_rules_publish(request: HttpRequest, project_id: int) -> HttpResponse:
    project, policy = _project_for(request, project_id, "can_publish_ground_rules")
    current = access.current_ground_rules(project)
    draft = access.ground_rules_draft(project)
    initial_text = draft.text if draft and draft.text else (current.text if current else "")
    form = PublishGroundRulesForm(request.POST or None, initial={"text": initial_text})
    if request.method == "POST" and form.is_valid():
        try:
            version = do_publish_ground_rules(
                project,
                text=form.cleaned_data["text"],
                summary_of_changes=form.cleaned_data["summary_of_changes"],
                acting_user=request.user,
            )
        except PartnershipError as error:
            add_action_error(form, error)
        else:
            messages.success(
                request,
                f"Version {version.number} of the ground rules is published. "
                "Members will be asked to agree to it.",
            )
            return redirect("partnerships:ground_rules", project_id=project.pk)
    return render(
        request,
        "partnerships/ground_rules_publish.html",
        {
            "project": project,
            "policy": policy,
            "form": form,
            "next_number": (current.number + 1) if current else 1,
        },
    )


@login_required
@require_GET
def ground_rules_version(request: HttpRequest, project_id: int, number: int) -> HttpResponse:
    project, policy = _project_for(request, project_id, "can_view_ground_rules")
    version = access.access_ground_rules_version(project, number)
    current = access.current_ground_rules(project)
    return render(
        request,
        "partnerships/ground_rules_version.html",
        {
            "project": project,
            "policy": policy,
            "version": version,
            "current_rules": current,
        },
    )


# --- organisations ----------------------------------------------------------------------------------


@login_required
@require_GET
def organisation_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "partnerships/organisation_list.html",
        {
            "organisations": access.organisations_list(),
            "can_create_organisation": can_create_organisation(request.user),
        },
    )


@login_required
def organisation_create(request: HttpRequest) -> HttpResponse:
    if not can_create_organisation(request.user):
        raise Http404("No such page.")
    form = OrganisationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            organisation = do_create_organisation(
                name=form.cleaned_data["name"],
                kind=form.cleaned_data["kind"],
                website=form.cleaned_data["website"],
                acting_user=request.user,
            )
        except PartnershipError as error:
            add_action_error(form, error)
        else:
            messages.success(
                request, f"“{organisation.name}” is added. You can now choose it as a project partner."
            )
            return redirect("partnerships:organisation_list")
    return render(request, "partnerships/organisation_form.html", {"form": form})
