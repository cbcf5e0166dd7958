"""What partnerships hold about a person, for their data download (see ``people.data_rights``).

Memberships are kept on erasure: they then belong to "Former participant" and still count.
"""

from coproduce.people.data_rights import register


def export_memberships(person):
    return [
        {"project": m.project.title, "role": m.get_role_display(), "joined_at": m.joined_at.isoformat()}
        for m in person.memberships.select_related("project").order_by("joined_at", "id")
    ]


register("partnerships", export=export_memberships)
