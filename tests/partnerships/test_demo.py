import pytest

from coproduce.core.models import AuditEntry
from coproduce.demo import ensure_demo_data
from coproduce.demo.cast import CRISIS, PLACEMENTS, project
from coproduce.partnerships.access import agreement_overview, ground_rules_draft


@pytest.mark.django_db
def test_demo_ground_rules_show_agreement_across_versions():
    assert ensure_demo_data() is True
    crisis = project(CRISIS)
    assert list(crisis.ground_rules_versions.values_list("number", flat=True)) == [2, 1]
    overview = agreement_overview(crisis)
    assert overview.version.number == 2
    assert overview.agreed == ["Dee", "Grace", "Priya", "Tom"]
    assert overview.agreed_to_earlier_version_only == ["Nadia", "Sol"]
    assert overview.not_agreed == ["Kemi"]
    first, second = crisis.ground_rules_versions.order_by("number")
    assert first.published_at < second.published_at

    placements = project(PLACEMENTS)
    assert placements.ground_rules_versions.count() == 1
    draft = ground_rules_draft(placements)
    assert draft.updated_by.badge_name == "Dee"
    assert draft.text != placements.ground_rules_versions.get().text
    # Made through the actions, so the audit trail has it all.
    assert AuditEntry.objects.filter(action="ground_rules.published").count() == 3
    assert AuditEntry.objects.filter(action="ground_rules.agreed").count() == 15
    assert ensure_demo_data() is False
