"""What partnerships hold about a person, for their data download (see ``people.data_rights``).

Memberships and ground rules agreements are kept on erasure: they then belong to "Former participant"
and still count.
"""

from coproduce.people.data_rights import register

from .models import GroundRulesAgreement, GroundRulesVersion


def export_memberships(person):
    return [
        {"project": m.project.title, "role": m.get_role_display(), "joined_at": m.joined_at.isoformat()}
        for m in person.memberships.select_related("project").order_by("joined_at", "id")
    ]


register("partnerships", export=export_memberships)


def export_ground_rules(person):
    """Which versions of which projects' ground rules the person agreed to, and any they published.

    Nothing is erased here: the rules are the group's shared text, and agreements keep counting
    under the anonymised "Former participant" after erasure.
    """
    return {
        "agreed_to": [
            {
                "project": a.version.project.title,
                "version": a.version.number,
                "agreed_at": a.agreed_at.isoformat(),
            }
            for a in GroundRulesAgreement.objects.filter(person=person)
            .select_related("version__project")
            .order_by("agreed_at", "id")
        ],
        "published": [
            {"project": v.project.title, "version": v.number, "published_at": v.published_at.isoformat()}
            for v in GroundRulesVersion.objects.filter(published_by=person)
            .select_related("project")
            .order_by("published_at", "id")
        ],
    }


register("ground_rules", export=export_ground_rules)
