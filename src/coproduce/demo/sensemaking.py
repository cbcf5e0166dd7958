"""Demo: a listening exercise for the crisis project, analysed together.

Two short interviews, a carers' circle and a set of feedback cards (all fictional, written for this
demo), a shared codebook, the same interview coded by Dee and Tom (who read some of it differently), a
theme with a de-identified, signed-off quote, and one narrator who agreed to analysis only. In the
carers' circle each speaker has a pseudonym and their own consent: Sol agreed to analysis only, Tom to
quotes with his pseudonym; members read every line with pseudonyms, coordinators may switch to names.
"""

from __future__ import annotations

from coproduce.sensemaking.actions.coding import do_add_code, do_add_memo, do_apply_code
from coproduce.sensemaking.actions.sources import (
    ConsentDetails,
    NarratorDetails,
    do_add_source,
    do_change_speaker_consent,
    do_map_speaker,
)
from coproduce.sensemaking.actions.themes import (
    do_add_identifier,
    do_attach_quote,
    do_create_theme,
    do_deidentify_quote,
    do_sign_off_quote,
)
from coproduce.sensemaking.importers import read_upload, segment_text, source_from_table
from coproduce.sensemaking.models import Audience, ConsentUse

from .cast import CRISIS, person, project

GRACE_INTERVIEW = (
    "Dee: Thank you for talking with us. Can you tell me about the last time you needed the crisis team?\n"
    "Grace: It was a Sunday night in February. I rang the crisis line and it just kept ringing. "
    "I tried three times.\n"
    "Dee: What happened when someone answered?\n"
    "Grace: A man called Ellis picked up. He didn't rush me. "
    "He asked what usually helps, and he actually wrote it down.\n"
    "Grace: The next day a nurse came out to Larch House "
    "and already knew about my cat and the breathing thing. I didn't have to say it all again.\n"
    "Dee: What would you change?\n"
    "Grace: Answer the phone faster at night. And give people a plan they wrote themselves, not a leaflet.\n"
)

JORDAN_INTERVIEW = (
    "Kemi: What was it like waiting for the assessment?\n"
    "Jordan: Eleven hours in A&E on a plastic chair. Nobody told me what was happening.\n"
    "Kemi: Was there anyone you could talk to?\n"
    "Jordan: A peer worker from the hub sat with me for a bit. "
    "She'd been through it herself, and that made the difference.\n"
    "Jordan: The doctor talked to my mum instead of me. Like I wasn't in the room.\n"
)

CARERS_CIRCLE = """Kemi: Thanks for coming to the carers' circle. What has the last month been like?
Tom: Hard. My dad was in crisis twice and each time I had to explain everything from the start.
Sol: Same for us. My daughter Amara waited six hours before anyone from the team came.
Tom: When the home treatment team came, they listened to me as well as to him. That helped.
Sol: I just want one person who knows us.
Kemi: What would make the biggest difference?
Tom: A plan we wrote together, that every shift can read.
Sol: Someone ringing back when they say they will.
"""

FEEDBACK_CARDS = """site,month,comment
Home treatment,March,The team came when they said they would and explained everything.
Crisis line,March,I was on hold for forty minutes at 3am.
Crisis café,March,The café is the only place that feels safe on a bad evening.
Home treatment,April,Different person every visit. I had to repeat my story each time.
Crisis line,April,The person on the phone was calm and kind and helped me breathe.
A&E,April,Waited all night. Nobody checked on me.
Crisis café,April,Peer workers get it. No judgement.
Home treatment,May,They asked my daughter as well as me what would help. That mattered.
"""


def _span(source, words: str) -> tuple[int, int]:
    start = source.text.index(words)
    return start, start + len(words)


def run() -> None:
    crisis = project(CRISIS)
    priya, dee, tom = person("priya@example.org"), person("dee@example.org"), person("tom@example.org")
    grace = person("grace@example.org")
    sol, kemi = person("sol@example.org"), person("kemi@example.org")

    grace_source = do_add_source(
        crisis,
        segment_text(GRACE_INTERVIEW, "txt"),
        title="Listening session: Grace",
        narrator=NarratorDetails(person=grace, pseudonym="Robin"),
        consent=ConsentDetails(
            use=ConsentUse.PSEUDONYM, audiences=(Audience.TEAM, Audience.PARTNERS, Audience.PUBLIC)
        ),
        original_filename="grace-interview.txt",
        acting_user=priya,
    )
    speaker = grace_source.speakers.get(label="Grace")
    do_map_speaker(speaker, person=grace, pseudonym="Robin", acting_user=priya)
    do_map_speaker(
        grace_source.speakers.get(label="Dee"), person=dee, pseudonym="Interviewer", acting_user=priya
    )

    # Jordan has no Coproduce account and agreed to analysis only: never quoted anywhere.
    jordan_source = do_add_source(
        crisis,
        segment_text(JORDAN_INTERVIEW, "txt"),
        title="Listening session: Jordan",
        narrator=NarratorDetails(name="Jordan", pseudonym="Sky"),
        consent=ConsentDetails(use=ConsentUse.ANALYSIS_ONLY, audiences=(Audience.TEAM,)),
        original_filename="jordan-interview.txt",
        acting_user=priya,
    )

    do_map_speaker(
        jordan_source.speakers.get(label="Kemi"), person=kemi, pseudonym="Interviewer", acting_user=priya
    )

    # A carers' circle: three voices in one transcript, each with their own pseudonym and consent.
    circle = do_add_source(
        crisis,
        segment_text(CARERS_CIRCLE, "txt"),
        title="Carers' circle, March",
        narrator=NarratorDetails(person=tom, pseudonym="Carer T"),
        consent=ConsentDetails(use=ConsentUse.PSEUDONYM, audiences=(Audience.TEAM, Audience.PARTNERS)),
        original_filename="carers-circle.txt",
        acting_user=priya,
    )
    do_map_speaker(circle.speakers.get(label="Sol"), person=sol, pseudonym="Parent S", acting_user=priya)
    do_map_speaker(circle.speakers.get(label="Kemi"), person=kemi, pseudonym="Facilitator", acting_user=priya)
    do_change_speaker_consent(
        circle.speakers.get(label="Sol"),
        ConsentDetails(use=ConsentUse.ANALYSIS_ONLY, audiences=(Audience.TEAM,)),
        acting_user=sol,
    )
    do_add_identifier(crisis, term="Amara", replacement="[his daughter]", acting_user=priya)

    table = read_upload("feedback-cards.csv", FEEDBACK_CARDS.encode("utf-8"))
    cards = do_add_source(
        crisis,
        source_from_table(table, 2, [0, 1]),
        title="Feedback cards, spring",
        narrator=NarratorDetails(),
        consent=ConsentDetails(use=ConsentUse.ANONYMOUS, audiences=(Audience.TEAM, Audience.PARTNERS)),
        original_filename="feedback-cards.csv",
        acting_user=priya,
    )

    getting_through = do_add_code(
        crisis, name="Getting through", description="Reaching help when you need it.", acting_user=dee
    )
    waiting = do_add_code(
        crisis,
        name="Waiting",
        parent=getting_through,
        description="Time spent waiting for someone to answer, come or explain.",
        examples="Ringing out, hours in A&E, being on hold.",
        acting_user=dee,
    )
    heard = do_add_code(
        crisis, name="Being heard", description="Being listened to and taken seriously.", acting_user=tom
    )
    not_heard = do_add_code(
        crisis,
        name="Talked over",
        parent=heard,
        description="Others spoken to instead of you; having to repeat your story.",
        acting_user=tom,
    )
    helped = do_add_code(
        crisis,
        name="What helped",
        description="People, places and plans that made a difference.",
        acting_user=dee,
    )
    do_add_code(
        crisis,
        name="Peer support",
        parent=helped,
        description="Help from people who have been there.",
        acting_user=dee,
    )
    do_add_code(
        crisis, name="Own plan", description="A plan written by the person, in their words.", acting_user=tom
    )
    do_add_memo(
        crisis,
        text="Do we code 'explained everything' as Being heard too? Talk at the next session.",
        code=heard,
        acting_user=tom,
    )

    # Dee and Tom code Grace's interview on their own; they agree on waiting, differ on what counts as heard.
    for coder, spans in (
        (
            dee,
            [
                (waiting, "I rang the crisis line and it just kept ringing. I tried three times."),
                (heard, "He didn't rush me. He asked what usually helps, and he actually wrote it down."),
                (
                    helped,
                    "already knew about my cat and the breathing thing. I didn't have to say it all again.",
                ),
            ],
        ),
        (
            tom,
            [
                (waiting, "it just kept ringing. I tried three times."),
                (heard, "He asked what usually helps, and he actually wrote it down."),
                (heard, "I didn't have to say it all again."),
                (helped, "give people a plan they wrote themselves, not a leaflet."),
            ],
        ),
    ):
        for code, words in spans:
            start, end = _span(grace_source, words)
            do_apply_code(grace_source, code, start=start, end=end, acting_user=coder)
    for coder in (dee, tom):
        start, end = _span(jordan_source, "Eleven hours in A&E on a plastic chair.")
        do_apply_code(jordan_source, waiting, start=start, end=end, acting_user=coder)
    start, end = _span(jordan_source, "The doctor talked to my mum instead of me.")
    do_apply_code(jordan_source, not_heard, start=start, end=end, acting_user=tom)
    for words, code in (
        ("I was on hold for forty minutes at 3am.", waiting),
        ("Waited all night.", waiting),
        ("I had to repeat my story each time.", not_heard),
    ):
        start, end = _span(cards, words)
        do_apply_code(cards, code, start=start, end=end, acting_user=dee)
    do_add_memo(
        crisis,
        text="Tom and I read this differently: is being remembered the same as being heard?",
        segment=grace_source.segments.get(index=4),
        acting_user=dee,
    )

    theme = do_create_theme(
        crisis,
        name="Being listened to changes the night",
        description=(
            "When someone takes time and remembers what helps, people feel safer, even while they wait."
        ),
        audience=Audience.PARTNERS,
        codes=[heard, helped],
        acting_user=dee,
    )
    do_add_identifier(crisis, term="Ellis", replacement="[a call handler]", acting_user=priya)
    do_add_identifier(crisis, term="Larch House", replacement="[home]", acting_user=priya)
    start, end = _span(grace_source, "Grace: A man called Ellis picked up. He didn't rush me.")
    quote = do_attach_quote(theme, grace_source, start=start, end=end, acting_user=dee)
    do_deidentify_quote(quote, acting_user=priya)
    do_sign_off_quote(quote, acting_user=priya)
    start, end = _span(cards, "The person on the phone was calm and kind and helped me breathe.")
    do_attach_quote(theme, cards, start=start, end=end, acting_user=tom)
    do_create_theme(
        crisis,
        name="Waiting without knowing",
        audience=Audience.TEAM,
        codes=[waiting],
        description="The wait is worse when nobody explains it.",
        acting_user=tom,
    )
