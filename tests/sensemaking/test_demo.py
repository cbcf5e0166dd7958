import pytest

pytestmark = pytest.mark.django_db


def test_demo_listening_exercise(client):
    from coproduce.demo import ensure_demo_data
    from coproduce.demo.cast import CRISIS, person, project
    from coproduce.sensemaking.actions.exchange import exportable_quotes
    from coproduce.sensemaking.models import Coding, Source, Theme

    assert ensure_demo_data()
    crisis = project(CRISIS)
    sources = {s.title: s for s in Source.objects.filter(project=crisis)}
    assert set(sources) == {
        "Listening session: Grace",
        "Listening session: Jordan",
        "Carers' circle, March",
        "Feedback cards, spring",
    }
    assert sources["Listening session: Jordan"].consent_use == "analysis_only"
    assert sources["Feedback cards, spring"].segments.count() == 8
    coders = set(
        Coding.objects.filter(source=sources["Listening session: Grace"]).values_list(
            "coder__badge_name", flat=True
        )
    )
    assert coders == {"Dee", "Tom"}
    theme = Theme.objects.get(name="Being listened to changes the night")
    quote = exportable_quotes(crisis, "partners")[0]
    assert quote.theme == theme
    assert "Ellis" not in quote.deidentified_text and quote.deidentified_text.startswith(
        "Robin: A man called"
    )

    client.force_login(person("tom@example.org"))
    page = client.get(f"/sensemaking/project/{crisis.pk}/agreement/")
    assert page.status_code == 200
    assert sources["Listening session: Grace"].pk in page.context["report"].by_source
    client.force_login(person("grace@example.org"))
    assert "Listening session: Grace" in client.get("/sensemaking/mine/").content.decode()

    # The carers' circle: each voice with its own consent, and members read pseudonyms, not names.
    circle = sources["Carers' circle, March"]
    consent = dict(circle.speakers.values_list("label", "consent_use"))
    assert consent == {"Kemi": "pseudonym", "Tom": "pseudonym", "Sol": "analysis_only"}
    assert circle.speakers.get(label="Tom").person == person("tom@example.org")
    client.force_login(person("nadia@example.org"))
    page = client.get(f"/sensemaking/project/{crisis.pk}/sources/{circle.pk}/").content.decode()
    assert "Parent S" in page and "[his daughter]" in page and "Amara" not in page
    client.force_login(person("sol@example.org"))
    assert "Carers&#x27; circle, March" in client.get("/sensemaking/mine/").content.decode()
