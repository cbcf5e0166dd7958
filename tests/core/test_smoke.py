import pytest


@pytest.mark.django_db
def test_home_page_links_to_events(client):
    response = client.get("/")
    assert response.status_code == 200
    assert b'href="/events/"' in response.content


@pytest.mark.django_db
def test_unknown_page_says_not_found(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert b"Page not found" in response.content


@pytest.mark.django_db
def test_audit_record_names_subject_and_actor(coordinator, project):
    from coproduce.core.audit import record
    from coproduce.core.models import AuditEntry

    record("project.updated", project, acting_user=coordinator, fields=["title"])
    entry = AuditEntry.objects.get()
    assert (entry.action, entry.subject_type, entry.subject_id) == (
        "project.updated",
        "partnerships.project",
        str(project.pk),
    )
    assert entry.acting_user == coordinator
