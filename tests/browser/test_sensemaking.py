"""Sense-making in a real browser: code a span with the keyboard alone; no axe violations on the pages."""

from __future__ import annotations

import pytest

from coproduce.partnerships.models import Membership, Organisation, Project
from coproduce.people.models import Person

from .conftest import assert_no_axe_violations, sign_in_browser

TEXT = "I rang the crisis line at night.\n\nNobody picked up for an hour."


@pytest.fixture
def coding_setup(db):
    from coproduce.sensemaking.actions.coding import do_add_code
    from coproduce.sensemaking.actions.sources import ConsentDetails, NarratorDetails, do_add_source
    from coproduce.sensemaking.importers import segment_text

    organisation = Organisation.objects.create(name="Riverside", kind=Organisation.Kind.VOLUNTARY)
    project = Project.objects.create(title="Night support", purpose="Listen and change.")
    project.organisations.add(organisation)
    coder = Person.objects.create_user(email="coder@example.org", badge_name="Jo")
    Membership.objects.create(project=project, person=coder, role=Membership.Role.COORDINATOR)
    source = do_add_source(
        project,
        segment_text(TEXT, "txt"),
        title="Night call",
        narrator=NarratorDetails(name="A"),
        consent=ConsentDetails(),
        acting_user=coder,
    )
    do_add_code(project, name="Calling for help", acting_user=coder)
    waiting = do_add_code(project, name="Waiting", acting_user=coder)
    return {"project": project, "coder": coder, "source": source, "waiting": waiting}


@pytest.mark.django_db(transaction=True)
def test_code_a_span_using_only_the_keyboard(page, live_server, coding_setup):
    from coproduce.sensemaking.models import Coding

    project, source = coding_setup["project"], coding_setup["source"]
    sign_in_browser(page, live_server, coding_setup["coder"])
    page.goto(f"{live_server.url}/sensemaking/project/{project.pk}/sources/{source.pk}/code/")
    assert page.locator("#selection-panel").is_visible()  # coding.js revealed the selection panel
    assert_no_axe_violations(page, "coding page")

    # Tab through the page until the text itself has focus.
    for _ in range(40):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "source-text":
            break
    assert page.evaluate("document.activeElement.id") == "source-text"

    status = page.locator("#selection-status")

    def press(key):
        """Press a key and wait for coding.js to read the new selection back (selectionchange is async)."""
        before = status.inner_text()
        page.keyboard.press(key)
        page.wait_for_function(
            "(before) => document.querySelector('#selection-status').textContent !== before", arg=before
        )

    press("ArrowRight")
    press("ArrowRight")
    assert status.inner_text().startswith("Nothing selected. The cursor is after “I ”")
    for _ in range(4):
        press("Shift+ArrowRight")
    assert status.inner_text() == "Selected: “rang” (4 characters). Press Enter to choose a code."
    # Ctrl+Shift+Right extends a word at a time (where a word ends differs a little between platforms).
    for _ in range(4):
        press("Control+Shift+ArrowRight")
        if "crisis" in status.inner_text():
            break
    assert status.inner_text().startswith("Selected: “rang the crisis")
    selected = status.inner_text().split("“", 1)[1].split("”", 1)[0]

    page.keyboard.press("Enter")  # moves to the list of codes
    assert page.evaluate("document.activeElement.name") == "selection-code"
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    assert page.evaluate("document.activeElement.selectedOptions[0].text") == "Waiting"
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    page.wait_for_url("**#segment-*")

    coding = Coding.objects.get()
    assert (coding.code.name, coding.text, coding.start) == ("Waiting", selected.strip(), 2)
    assert page.locator("mark.coded").first.inner_text() == selected.strip()
    assert_no_axe_violations(page, "coding page after coding")


@pytest.mark.django_db(transaction=True)
def test_code_a_span_selected_with_the_mouse(page, live_server, coding_setup):
    from coproduce.sensemaking.models import Coding

    project, source = coding_setup["project"], coding_setup["source"]
    sign_in_browser(page, live_server, coding_setup["coder"])
    page.goto(f"{live_server.url}/sensemaking/project/{project.pk}/sources/{source.pk}/code/")
    # Select "Nobody picked up" in the second passage the way a mouse does (a DOM range), then apply.
    page.evaluate("""() => {
        const span = [...document.querySelectorAll('#source-text [data-start]')]
            .find(el => el.textContent.startsWith('Nobody'));
        const range = document.createRange();
        range.setStart(span.firstChild, 0);
        range.setEnd(span.firstChild, 'Nobody picked up'.length);
        const selection = window.getSelection();
        selection.removeAllRanges();
        selection.addRange(range);
    }""")
    page.wait_for_function("document.querySelector('#selection-status').textContent.startsWith('Selected')")
    page.select_option("select[name=selection-code]", label="Waiting")
    page.click("text=Apply code to the selection")
    page.wait_for_url("**#segment-*")
    assert Coding.objects.get().text == "Nobody picked up"


@pytest.mark.django_db(transaction=True)
def test_sense_making_pages_have_no_axe_violations(new_page, live_server):
    from coproduce.demo import ensure_demo_data
    from coproduce.demo.cast import CRISIS, person, project
    from coproduce.sensemaking.models import Code, Source, Theme

    ensure_demo_data()
    crisis = project(CRISIS)
    grace_source = Source.objects.get(project=crisis, title="Listening session: Grace")
    circle = Source.objects.get(project=crisis, title="Carers' circle, March")
    sol_speaker = circle.speakers.get(label="Sol")
    theme = Theme.objects.get(name="Being listened to changes the night")
    heard = Code.objects.get(project=crisis, name="Being heard")
    base = f"{live_server.url}/sensemaking/project/{crisis.pk}"

    page = new_page()
    sign_in_browser(page, live_server, person("priya@example.org"))
    for path, what in [
        ("/", "sources overview"),
        (f"/sources/{grace_source.pk}/", "source page"),
        (f"/sources/{grace_source.pk}/?names=real", "source page with real names"),
        (f"/sources/{circle.pk}/", "group conversation with each speaker's consent"),
        (f"/sources/{circle.pk}/speakers/", "speakers page"),
        (f"/sources/{circle.pk}/speakers/{sol_speaker.pk}/consent/", "one speaker's consent"),
        (f"/sources/{circle.pk}/speakers/{sol_speaker.pk}/withdraw/", "recording a speaker's withdrawal"),
        (f"/sources/{grace_source.pk}/code/", "coding page"),
        ("/agreement/", "agreement page"),
        (f"/agreement/sources/{grace_source.pk}/codes/{heard.pk}/", "side-by-side differences"),
        (f"/themes/{theme.pk}/", "theme page"),
        ("/themes/", "themes list"),
        ("/codebook/", "codebook"),
        ("/register/", "de-identification register"),
        ("/assisted/", "assisted coding"),
        ("/exchange/", "import and export"),
        ("/sources/add/", "upload form"),
    ]:
        page.goto(base + path)
        assert page.locator("h1").count() == 1, what
        assert_no_axe_violations(page, what)

    # The narrator's own view of their words, on a phone.
    phone = new_page(viewport={"width": 375, "height": 740})
    sign_in_browser(phone, live_server, person("grace@example.org"))
    phone.goto(base + f"/sources/{grace_source.pk}/")
    # Grace is one of the speakers in her listening session: her own turns are marked as hers.
    assert "Your turns are marked “Your words”" in phone.content()
    assert_no_axe_violations(phone, "narrator's source page on a phone")
    phone.goto(base + f"/sources/{grace_source.pk}/withdraw/")
    assert_no_axe_violations(phone, "withdrawal page on a phone")

    # A speaker in a group conversation: their own turns under My words, and their own consent.
    sign_in_browser(phone, live_server, person("sol@example.org"))
    phone.goto(f"{live_server.url}/sensemaking/mine/")
    assert "Carers' circle, March" in phone.content()
    assert_no_axe_violations(phone, "my words of a speaker on a phone")
    phone.goto(base + f"/sources/{circle.pk}/")
    assert "Your turns are marked “Your words”" in phone.content()
    assert_no_axe_violations(phone, "a speaker's own turns on a phone")
    phone.goto(base + f"/sources/{circle.pk}/consent/")
    assert_no_axe_violations(phone, "a speaker's own consent on a phone")


@pytest.mark.django_db(transaction=True)
def test_selecting_part_of_a_pseudonym_codes_the_whole_real_name(page, live_server):
    """A member sees "[her son]" where the transcript says "Daniel": selecting from inside the pseudonym
    codes from the start of the real name, so a coding never cuts a name in two."""
    from coproduce.sensemaking.actions.coding import do_add_code
    from coproduce.sensemaking.actions.sources import ConsentDetails, NarratorDetails, do_add_source
    from coproduce.sensemaking.actions.themes import do_add_identifier
    from coproduce.sensemaking.importers import segment_text
    from coproduce.sensemaking.models import Coding

    project = Project.objects.create(title="Night support", purpose="Listen and change.")
    coordinator = Person.objects.create_user(email="coordinator@example.org", badge_name="Sam")
    member = Person.objects.create_user(email="member@example.org", badge_name="Jo")
    Membership.objects.create(project=project, person=coordinator, role=Membership.Role.COORDINATOR)
    Membership.objects.create(project=project, person=member, role=Membership.Role.MEMBER)
    text = "Sol: My son Daniel sat with me all night.\nAsha: That sounds long.\nSol: It was.\n"
    source = do_add_source(
        project,
        segment_text(text, "txt"),
        title="Night call",
        narrator=NarratorDetails(name="Sol", pseudonym="Parent S"),
        consent=ConsentDetails(),
        acting_user=coordinator,
    )
    do_add_identifier(project, term="Daniel", replacement="[her son]", acting_user=coordinator)
    do_add_code(project, name="Family", acting_user=coordinator)

    sign_in_browser(page, live_server, member)
    page.goto(f"{live_server.url}/sensemaking/project/{project.pk}/sources/{source.pk}/code/")
    assert "Daniel" not in page.content()
    page.evaluate("""() => {
        const pieces = [...document.querySelectorAll('#source-text [data-start]')];
        const name = pieces.find(el => el.textContent === '[her son]');
        const after = pieces[pieces.indexOf(name) + 1];
        const range = document.createRange();
        range.setStart(name.firstChild, 3);
        range.setEnd(after.firstChild, ' sat'.length);
        const selection = window.getSelection();
        selection.removeAllRanges();
        selection.addRange(range);
    }""")
    page.wait_for_function("document.querySelector('#selection-status').textContent.startsWith('Selected')")
    assert page.locator("#selection-status").inner_text().startswith("Selected: “[her son] sat”")
    page.select_option("select[name=selection-code]", label="Family")
    page.click("text=Apply code to the selection")
    page.wait_for_url("**#segment-*")
    assert Coding.objects.get().text == "Daniel sat"
    assert page.locator("mark.coded").first.inner_text() == "[her son]"
