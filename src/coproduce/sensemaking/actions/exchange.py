"""Exports (REFI-QDA, CSV, Excel) and imports (REFI-QDA project and codebook).

Every export that carries words is recorded with the sources it used, so that a later withdrawal
flags it. Withdrawn words — a whole source, or one speaker's turns — are never exported. Exports show
names as pseudonyms, like the pages (see ``redaction.py``), unless a coordinator chooses real names;
positions in an export count characters of the text as exported, so codings still sit on their words.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from coproduce.core import spreadsheets
from coproduce.core.audit import record
from coproduce.core.text import clean_line, clean_text
from coproduce.partnerships.models import Membership

from .. import refi
from ..access import analysable_codings, analysable_segments, analysable_sources
from ..errors import SensemakingError
from ..models import Audience, Code, CodeRevision, Coding, ExportRecord, Memo, Quote, Segment, Source, Theme
from ..redaction import PositionMap, Redactor, Replacement, apply_replacements
from .sources import ConsentDetails, NewSource, do_add_sources, read_apart


def person_guid(person) -> str:
    return refi.stable_guid("person", person.pk)


def _code_trees(project, *, with_notes: bool = False) -> tuple[list[refi.RefiCode], list[refi.RefiNote]]:
    codes = list(Code.objects.filter(project=project).order_by("position", "name", "id"))
    notes: list[refi.RefiNote] = []
    memos_by_code: dict[int, list[Memo]] = {}
    if with_notes:
        for memo in Memo.objects.filter(code__project=project).select_related("author"):
            memos_by_code.setdefault(memo.code_id, []).append(memo)
    refis = {}
    for code in codes:
        description = code.description
        if code.examples:
            description = f"{description}\n\nExamples: {code.examples}".strip()
        node = refi.RefiCode(guid=str(code.guid), name=code.name, description=description, color=code.color)
        for memo in memos_by_code.get(code.pk, []):
            note = refi.RefiNote(
                guid=refi.stable_guid("memo", memo.pk),
                text=memo.text,
                name=f"Memo on {code.name}",
                creating_user=person_guid(memo.author) if memo.author else None,
                created=memo.created_at,
            )
            notes.append(note)
            node.note_guids.append(note.guid)
        refis[code.pk] = node
    roots = []
    for code in codes:
        if code.parent_id and code.parent_id in refis:
            refis[code.parent_id].children.append(refis[code.pk])
        else:
            roots.append(refis[code.pk])
    return roots, notes


def codebook_qdc(project) -> bytes:
    roots, _ = _code_trees(project)
    try:
        return refi.write_qdc(roots)
    except refi.RefiError as error:
        raise SensemakingError(str(error)) from None


def _record_export(
    project, kind: str, source_ids, *, acting_user, audience: str = "", real_names: bool = False
) -> ExportRecord:
    export = ExportRecord.objects.create(
        project=project, kind=kind, created_by=acting_user, audience=audience
    )
    export.sources.set(list(set(source_ids)))
    record(
        "sensemaking.exported",
        export,
        acting_user=acting_user,
        kind=kind,
        sources=len(set(source_ids)),
        real_names=real_names,
    )
    return export


class ExportedText:
    """A source's text as it leaves the project: withdrawn speakers' turns cut out, names replaced as
    the redactor shows them; ``start``/``end`` move positions in the stored text to the exported one."""

    def __init__(self, source: Source, redactor: Redactor):
        withdrawn = []
        for turn in Segment.objects.filter(source=source, speaker__withdrawn_at__isnull=False).order_by(
            "start"
        ):
            end = turn.end + (1 if source.text[turn.end : turn.end + 1] == "\n" else 0)
            withdrawn.append(Replacement(turn.start, end, ""))
        names = [
            r
            for r in redactor.replacements(source)
            if not any(w.start < r.end and r.start < w.end for w in withdrawn)
        ]
        self.replacements = sorted(withdrawn + names, key=lambda r: r.start)
        self.text = apply_replacements(source.text, self.replacements)
        self._map = PositionMap(self.replacements)

    def start(self, position: int) -> int:
        return self._map.shown(position)

    def end(self, position: int) -> int:
        return self._map.shown(position, end=True)

    def span(self, start: int, end: int) -> str:
        return self.text[self.start(start) : self.end(end)]


def do_export_qdpx(project, *, acting_user, real_names: bool = False) -> bytes:
    """The whole analysis as a REFI-QDA project: codebook, sources in the analysis, every coder's codings,
    memos, attributes of responses (as cases), and themes (as sets of codes). Names are pseudonyms unless
    ``real_names`` (honoured for coordinators only)."""
    redactor = Redactor(acting_user, real_names=real_names)
    with transaction.atomic():
        sources = list(analysable_sources(project).select_related("project").order_by("added_at", "id"))
        exported = {source.pk: ExportedText(source, redactor) for source in sources}
        codes_tree, notes = _code_trees(project, with_notes=True)
        coders = {}
        selections_by_source: dict[int, dict] = {}
        for coding in (
            analysable_codings(project).select_related("code", "coder").order_by("source", "start", "id")
        ):
            coders[coding.coder_id] = coding.coder
            key = (coding.start, coding.end, coding.coder_id)
            selection = selections_by_source.setdefault(coding.source_id, {}).get(key)
            if selection is None:
                text = exported[coding.source_id]
                selection = refi.RefiSelection(
                    guid=refi.stable_guid(
                        "selection", f"{coding.source_id}:{coding.start}:{coding.end}:{coding.coder_id}"
                    ),
                    start=text.start(coding.start),
                    end=text.end(coding.end),
                    creating_user=person_guid(coding.coder),
                    created=coding.created_at,
                )
                selections_by_source[coding.source_id][key] = selection
            selection.codings.append(
                refi.RefiCoding(
                    guid=str(coding.guid),
                    code_guid=str(coding.code.guid),
                    creating_user=person_guid(coding.coder),
                    created=coding.created_at,
                )
            )
        variables: dict[str, refi.RefiVariable] = {}
        cases = []
        segment_selections: dict[int, refi.RefiSelection] = {}
        source_ids = {s.pk for s in sources}
        in_analysis = analysable_segments(project).filter(source_id__in=source_ids)
        for segment in in_analysis.exclude(attributes={}).order_by("source", "index"):
            text = exported[segment.source_id]
            selection = refi.RefiSelection(
                guid=refi.stable_guid("segment", segment.pk),
                start=text.start(segment.speech_start),
                end=text.end(segment.end),
            )
            if segment.speech_start >= segment.end:
                continue
            segment_selections[segment.pk] = selection
            selections_by_source.setdefault(segment.source_id, {})[("segment", segment.pk)] = selection
            case = refi.RefiCase(
                guid=refi.stable_guid("case", segment.pk),
                name=f"Response {segment.index + 1}",
                selection_guids=[selection.guid],
            )
            for name, value in sorted(segment.attributes.items()):
                variable = variables.setdefault(
                    name,
                    refi.RefiVariable(guid=refi.stable_guid("variable", f"{project.pk}:{name}"), name=name),
                )
                case.values.append((variable.guid, str(value)))
            cases.append(case)
        for memo in Memo.objects.filter(segment__in=in_analysis).select_related(
            "segment", "segment__source", "author"
        ):
            segment = memo.segment
            selection = segment_selections.get(segment.pk)
            if selection is None:
                text = exported[segment.source_id]
                selection = refi.RefiSelection(
                    guid=refi.stable_guid("segment", segment.pk),
                    start=text.start(segment.start),
                    end=max(text.end(segment.end), text.start(segment.start) + 1),
                )
                segment_selections[segment.pk] = selection
                selections_by_source.setdefault(segment.source_id, {})[("segment", segment.pk)] = selection
            note = refi.RefiNote(
                guid=refi.stable_guid("memo", memo.pk),
                text=redactor.text(memo.text, source=segment.source),
                name="Memo on a passage",
                creating_user=person_guid(memo.author) if memo.author else None,
                created=memo.created_at,
            )
            notes.append(note)
            selection.note_guids.append(note.guid)
        refi_sources = []
        for source in sources:
            if not exported[source.pk].text:
                continue
            selections = sorted(
                selections_by_source.get(source.pk, {}).values(), key=lambda s: (s.start, s.end, s.guid)
            )
            refi_sources.append(
                refi.RefiSource(
                    guid=str(source.guid),
                    name=redactor.text(source.title, source=source),
                    text=exported[source.pk].text,
                    created=source.added_at,
                    selections=selections,
                )
            )
        sets = [
            refi.RefiSet(
                guid=refi.stable_guid("theme", theme.pk),
                name=theme.name,
                description=theme.description,
                code_guids=[str(c.guid) for c in theme.codes.all()],
            )
            for theme in Theme.objects.filter(project=project).prefetch_related("codes")
        ]
        coders[acting_user.pk] = acting_user
        project_data = refi.RefiProject(
            name=project.title,
            creating_user=person_guid(acting_user),
            created=timezone.now(),
            description=project.purpose,
            users=[refi.RefiUser(guid=person_guid(p), name=p.badge_name) for p in coders.values()],
            codes=codes_tree,
            variables=list(variables.values()),
            cases=cases,
            sources=refi_sources,
            notes=notes,
            sets=sets,
        )
        data = refi.write_qdpx(project_data)
        _record_export(
            project,
            ExportRecord.Kind.QDPX,
            [s.pk for s in sources],
            acting_user=acting_user,
            real_names=redactor.shows_real_names(project),
        )
    return data


# --- tables --------------------------------------------------------------------------------------

CODING_COLUMNS = ["Source", "Passage", "Code", "Code path", "Coder", "Start", "End", "Coded text", "Coded at"]
QUOTE_COLUMNS = ["Theme", "Audience", "Quote", "Attributed to", "Signed off by", "Signed off at"]


def _table_bytes(columns: list[str], rows: list[list], file_format: str) -> bytes:
    if file_format == "csv":
        return spreadsheets.csv_bytes(columns, rows)
    return spreadsheets.xlsx_bytes(columns, rows)


def do_export_codings(project, file_format: str, *, acting_user, real_names: bool = False) -> bytes:
    """Every coding in the analysis (withdrawn words excluded), one row each. Names are pseudonyms
    unless ``real_names`` (coordinators only); start and end count characters of the source as a
    .qdpx export made with the same choice holds it."""
    if file_format not in ("csv", "xlsx"):
        raise SensemakingError("Choose CSV or Excel.")
    redactor = Redactor(acting_user, real_names=real_names)
    with transaction.atomic():
        codings = list(
            analysable_codings(project)
            .select_related("source", "source__project", "code", "coder")
            .order_by("source__added_at", "source_id", "start", "end", "id")
        )
        segments = {}
        for segment in Segment.objects.filter(source_id__in={c.source_id for c in codings}).order_by("index"):
            segments.setdefault(segment.source_id, []).append(segment)
        exported: dict[int, ExportedText] = {}
        rows = []
        for coding in codings:
            if coding.source_id not in exported:
                exported[coding.source_id] = ExportedText(coding.source, redactor)
            text = exported[coding.source_id]
            passage = next(
                (
                    s.index + 1
                    for s in segments.get(coding.source_id, [])
                    if s.start <= coding.start < max(s.end, s.start + 1)
                ),
                "",
            )
            rows.append(
                [
                    redactor.text(coding.source.title, source=coding.source),
                    passage,
                    coding.code.name,
                    coding.code.path,
                    coding.coder.badge_name,
                    text.start(coding.start),
                    text.end(coding.end),
                    text.span(coding.start, coding.end),
                    timezone.localtime(coding.created_at).strftime("%Y-%m-%d %H:%M"),
                ]
            )
        kind = ExportRecord.Kind.CODINGS_CSV if file_format == "csv" else ExportRecord.Kind.CODINGS_XLSX
        _record_export(
            project,
            kind,
            [c.source_id for c in codings],
            acting_user=acting_user,
            real_names=redactor.shows_real_names(project),
        )
    return _table_bytes(CODING_COLUMNS, rows, file_format)


def exportable_quotes(project, audience: str) -> list[Quote]:
    """Quotes that may leave the project for ``audience``: signed off, consented for that audience (which
    the quote's theme is for), and not withdrawn."""
    quotes = (
        Quote.objects.filter(theme__project=project, signed_off_at__isnull=False)
        .select_related("theme", "source", "source__narrator_person", "signed_off_by")
        .order_by("theme__position", "position", "id")
    )
    quotes = quotes.filter(theme__audience=audience)
    return [q for q in quotes if q.source.allows_quoting(q.start, q.end, audience)]


def do_export_quotes(project, audience: str, file_format: str, *, acting_user) -> bytes:
    if audience not in Audience.values:
        raise SensemakingError("Choose who the quotes are for.", field="audience")
    if file_format not in ("csv", "xlsx"):
        raise SensemakingError("Choose CSV or Excel.")
    with transaction.atomic():
        quotes = exportable_quotes(project, audience)
        label = dict(Audience.choices)[audience]
        rows = [
            [
                q.theme.name,
                label,
                q.deidentified_text,
                q.attribution(),
                q.signed_off_by.badge_name if q.signed_off_by else "",
                timezone.localtime(q.signed_off_at).strftime("%Y-%m-%d %H:%M"),
            ]
            for q in quotes
        ]
        kind = ExportRecord.Kind.QUOTES_CSV if file_format == "csv" else ExportRecord.Kind.QUOTES_XLSX
        _record_export(
            project, kind, [q.source_id for q in quotes], acting_user=acting_user, audience=audience
        )
    return _table_bytes(QUOTE_COLUMNS, rows, file_format)


# --- imports -------------------------------------------------------------------------------------


@dataclass
class ImportSummary:
    codes_added: int = 0
    codes_matched: int = 0
    sources_added: int = 0
    sources_skipped: int = 0
    codings_added: int = 0
    memos_added: int = 0
    themes_added: int = 0
    coders_attributed_to_importer: list[str] = field(default_factory=list)


def _import_codes(
    project, codes: list[refi.RefiCode], summary: ImportSummary, *, acting_user
) -> dict[str, Code]:
    """Add codes, keeping the hierarchy; a code with the same name under the same parent is reused.

    One insert per level of the hierarchy, however many codes (a codebook may hold thousands)."""
    existing = list(Code.objects.filter(project=project))
    by_place = {(code.parent_id, code.name.lower()): code for code in existing}
    used_guids = {str(code.guid) for code in existing}
    next_position: dict[int | None, int] = {}
    for code in existing:
        next_position[code.parent_id] = max(next_position.get(code.parent_id, 0), code.position + 1)
    by_guid: dict[str, Code] = {}
    level: list[tuple[refi.RefiCode, Code | None]] = [(root, None) for root in codes]
    while level:
        added: list[Code] = []
        below: list[tuple[refi.RefiCode, Code | None]] = []
        for node, parent in level:
            parent_id = parent.pk if parent else None
            name = clean_line(node.name)[:120] or "Unnamed code"
            code = by_place.get((parent_id, name.lower()))
            if code is not None:
                summary.codes_matched += 1
            else:
                color = (
                    node.color if re.match(r"^#(?:[0-9A-Fa-f]{6}|[0-9A-Fa-f]{3})$", node.color or "") else ""
                )
                code = Code(
                    project=project,
                    parent=parent,
                    name=name,
                    description=clean_text(node.description).strip(),
                    color=color,
                    position=next_position.get(parent_id, 0),
                    created_by=acting_user,
                )
                if node.guid not in used_guids:
                    code.guid = node.guid
                used_guids.add(str(code.guid))
                next_position[parent_id] = code.position + 1
                by_place[(parent_id, name.lower())] = code
                added.append(code)
                summary.codes_added += 1
            by_guid[node.guid] = code
            below.extend((child, code) for child in node.children)
        Code.objects.bulk_create(added)  # sets each code's id, so the next level can point at it
        CodeRevision.objects.bulk_create(
            CodeRevision(
                code=code,
                version=code.version,
                name=code.name,
                description=code.description,
                examples=code.examples,
                parent=code.parent,
                edited_by=acting_user,
                change="Created",
            )
            for code in added
        )
        level = below
    return by_guid


def do_import_codebook(project, upload, *, acting_user) -> ImportSummary:
    """Import a ``.qdc`` codebook (or the codebook of a ``project.qde``) into this project's codebook.

    ``upload`` is the uploaded file (or its bytes); it is read in a separate process within the import
    budget (``sources.read_apart``)."""
    codes = read_apart(refi.read_qdc, upload)
    summary = ImportSummary()
    with transaction.atomic():
        _import_codes(project, codes, summary, acting_user=acting_user)
        record(
            "sensemaking.codebook_imported",
            project,
            acting_user=acting_user,
            added=summary.codes_added,
            matched=summary.codes_matched,
        )
    return summary


def do_import_qdpx(project, upload, *, consent: ConsentDetails, acting_user) -> ImportSummary:
    """Import a REFI-QDA project: codes, text sources (with ``consent`` until each narrator's own
    is recorded), codings, memos and sets (as themes for the project team). All of it or nothing.

    ``upload`` is the uploaded file (or its bytes); it is read in a separate process within the import
    budget (``sources.read_apart``), then stored with one insert per kind of thing where it can be.
    Coders are matched to project members by badge name; codings by anyone else are attributed to the
    person importing, and the summary says so.
    """
    imported = read_apart(refi.read_qdpx, upload)
    summary = ImportSummary(sources_skipped=imported.skipped_sources)
    members = {
        m.person.badge_name.strip().lower(): m.person
        for m in Membership.objects.filter(project=project).select_related("person")
    }
    users = {u.guid: u.name for u in imported.users}

    def coder_for(user_guid: str | None):
        name = users.get(user_guid or "", "").strip()
        person = members.get(name.lower()) if name else None
        if person is None:
            label = name or "an unnamed coder"
            if label not in summary.coders_attributed_to_importer:
                summary.coders_attributed_to_importer.append(label)
            return acting_user
        return person

    notes = {n.guid: n for n in imported.notes if n.text.strip()}
    memos: list[Memo] = []
    with transaction.atomic():
        codes = _import_codes(project, imported.codes, summary, acting_user=acting_user)
        for refi_code in [node for root in imported.codes for node, _ in root.walk()]:
            for note_guid in refi_code.note_guids:
                if note_guid in notes:
                    memos.append(
                        Memo(
                            project=project,
                            code=codes[refi_code.guid],
                            author=acting_user,
                            text=notes[note_guid].text.strip(),
                        )
                    )
        readable = [r for r in imported.sources if r.parsed is not None]
        summary.sources_skipped += len(imported.sources) - len(readable)
        sources = do_add_sources(
            project,
            [
                NewSource(parsed=r.parsed, title=r.name, original_filename=f"{imported.name}.qdpx")
                for r in readable
            ],
            consent=consent,
            acting_user=acting_user,
        )
        summary.sources_added = len(sources)
        new_codings = []
        seen = set()
        for source, refi_source in zip(sources, readable, strict=True):
            length = len(source.text)
            whole = [(0, length, c) for c in refi_source.codings]
            spans = whole + [(s.start, s.end, c) for s in refi_source.selections for c in s.codings]
            for start, end, coding in spans:
                code = codes.get(coding.code_guid)
                if code is None or not 0 <= start < end <= length:
                    continue
                coder = coder_for(coding.creating_user)
                key = (source.pk, code.pk, coder.pk, start, end)
                if key in seen:
                    continue
                seen.add(key)
                new_codings.append(
                    Coding(
                        source=source,
                        code=code,
                        coder=coder,
                        start=start,
                        end=end,
                        created_at=coding.created or timezone.now(),
                    )
                )
        Coding.objects.bulk_create(new_codings)
        summary.codings_added = len(new_codings)
        # A memo on a selection goes on the passage the selection starts in.
        segments_of: dict[int, list[Segment]] = {}
        for segment in Segment.objects.filter(source__in=sources).order_by("source", "start"):
            segments_of.setdefault(segment.source_id, []).append(segment)
        for source, refi_source in zip(sources, readable, strict=True):
            segments = segments_of.get(source.pk, [])
            starts = [segment.start for segment in segments]
            for selection in refi_source.selections:
                at = bisect_right(starts, selection.start) - 1
                for note_guid in selection.note_guids:
                    if note_guid in notes and at >= 0:
                        memos.append(
                            Memo(
                                project=project,
                                segment=segments[at],
                                author=acting_user,
                                text=notes[note_guid].text.strip(),
                            )
                        )
        Memo.objects.bulk_create(memos)
        summary.memos_added = len(memos)
        summary.themes_added = _import_sets(project, imported.sets, codes, acting_user=acting_user)
        record(
            "sensemaking.project_imported",
            project,
            acting_user=acting_user,
            sources=summary.sources_added,
            codes=summary.codes_added,
            codings=summary.codings_added,
            memos=summary.memos_added,
            themes=summary.themes_added,
        )
    return summary


def _import_sets(project, sets: list[refi.RefiSet], codes: dict[str, Code], *, acting_user) -> int:
    """Sets of codes become themes for the project team, after the project's own themes."""
    last = Theme.objects.filter(project=project).aggregate(m=Max("position"))["m"] or 0
    themes: list[tuple[Theme, list[Code]]] = []
    for refi_set in sets:
        member_codes = list({codes[g].pk: codes[g] for g in refi_set.code_guids if g in codes}.values())
        if not member_codes:
            continue
        theme = Theme(
            project=project,
            name=clean_line(refi_set.name)[:160] or "Set",
            description=clean_text(refi_set.description).strip(),
            audience=Audience.TEAM,
            position=last + len(themes) + 1,
            created_by=acting_user,
        )
        themes.append((theme, member_codes))
    Theme.objects.bulk_create(theme for theme, _ in themes)
    Theme.codes.through.objects.bulk_create(
        Theme.codes.through(theme_id=theme.pk, code_id=code.pk)
        for theme, member_codes in themes
        for code in member_codes
    )
    return len(themes)
