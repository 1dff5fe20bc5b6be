"""Survey answers into the register: the "Ý kiến khác" comments of the surveys, and the answers
that ask the unit to handle something (harassment, "Chưa đạt yêu cầu" with a comment).
Idempotent: a re-read sheet or a re-imported export adds nothing."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select

from formkit.store.core import Store, current_user, loads, now
from formkit.store.models import Answer, RegisterEntry, Response, ReviewItem, Sheet
from formkit.store.register import COMMENT_FIELDS, NAME_FIELD, searchable
from formkit.store.register_groups import Grouping, needs_groups
from formkit.textnorm import nfc


@dataclass(frozen=True)
class CommentsReport:
    added: int
    already_there: int
    waiting_review: int  # comments whose reading a person has not confirmed yet
    alerts: int = 0  # entries added for a harassment or unsatisfied answer (survey_alerts)


#: Câu hỏi 2 and its "yes"; the rating value that is "Chưa đạt yêu cầu"; the overall row
HARASSMENT_FIELD, HARASSMENT_YES, FREQUENCY_FIELD = "c2.phien_ha", "co", "c2.muc_do"
UNSATISFIED = "chua_dat"
OVERALL_QUESTION = "c5"


@dataclass(frozen=True)
class Alert:
    """What a survey answer asks the unit to handle: one register entry per alert."""

    fingerprint: str  # stable across re-reads and re-imports (sheet key / response id)
    content: str
    group_hint: str | None  # "4" (harassment) when the rules know that group


def answer_alerts(key: str, answers: dict[str, Any], labels: dict[str, str],
                  frequency_labels: dict[str, str]) -> list[Alert]:
    """The alerts of one response (`answers`: confirmed values only, field → value).

    A "Có" to harassment is one alert. A "Chưa đạt yêu cầu" with a written comment is one
    alert per comment of the same question (or of any question when the overall row,
    Câu hỏi 5, is the one rated "Chưa đạt yêu cầu"); its fingerprint is the comment's own
    (khao_sat:<key>:<field>), so comments_to_register does not add the comment a second
    time, whichever of the two runs first."""
    out: list[Alert] = []
    if answers.get(HARASSMENT_FIELD) == HARASSMENT_YES:
        freq = answers.get(FREQUENCY_FIELD)
        how = f", mức độ: {frequency_labels.get(freq, freq)}" if freq else ""
        out.append(Alert(f"khao_sat:{key}:{HARASSMENT_FIELD}",
                         f"Phiếu khảo sát trả lời “Có” ở câu hỏi về phiền hà, sách nhiễu{how}.",
                         "4"))
    unsatisfied = [f for f, v in answers.items() if v == UNSATISFIED]
    if not unsatisfied:
        return out
    overall = any(f.split(".", 1)[0] == OVERALL_QUESTION for f in unsatisfied)
    for field_id in COMMENT_FIELDS:
        text = answers.get(field_id)
        if not isinstance(text, str) or not nfc(text):
            continue
        question = field_id.split(".", 1)[0]
        rows = [f for f in unsatisfied if f.split(".", 1)[0] == question]
        if not rows and not overall:
            continue
        rated = "; ".join(labels.get(f, f) for f in (rows or unsatisfied))
        out.append(Alert(f"khao_sat:{key}:{field_id}",
                         f"“Chưa đạt yêu cầu”: {rated}. {labels.get(field_id, field_id)}: "
                         f"{nfc(text)}", None))
    return out


def _known_fingerprints(s: Any, prints: list[str]) -> set[str]:
    """Those of `prints` already in the register, voided ones included (a person voided
    the entry: a re-read must not bring it back)."""
    found = set(s.scalars(select(RegisterEntry.fingerprint)
                          .where(RegisterEntry.fingerprint.in_(prints))).all())
    for voided in s.scalars(select(RegisterEntry.fingerprint)
                            .where(RegisterEntry.fingerprint.like("voided:%"))).all():
        rest = voided.split(":", 2)[2] if voided.count(":") >= 2 else ""
        found |= {fp for fp in prints if rest and fp.startswith(rest)}
    return found


def survey_alerts(store: Store, year: int, actor: str | None = None,
                  rules: Grouping | None = None) -> tuple[int, int]:
    """Register entries (source khao_sat, status pending) for the year's survey answers that
    ask for handling: "Có" to harassment, "Chưa đạt yêu cầu" with a comment (answer_alerts).
    Paper sheets are linked by sheet_id; online responses by their response id in the
    fingerprint. Only readings a person need not check any more are used. Idempotent: a
    re-read sheet or a re-imported export adds nothing. Returns (added, already there)."""
    rules = needs_groups(rules, "survey_alerts")
    actor = actor if actor is not None else current_user()
    spec = store.spec("05-02")
    labels = {f.id: f.label for f in spec.fields.values()} if spec else {}
    freq_labels: dict[str, str] = {}
    if spec and FREQUENCY_FIELD in spec.fields:
        freq_labels = {o.value: o.label for o in spec.fields[FREQUENCY_FIELD].options}
    known_groups = set(rules.labels())
    wanted = {HARASSMENT_FIELD, FREQUENCY_FIELD, *COMMENT_FIELDS}
    added = already = 0
    with store.write_session() as s:
        found: list[tuple[Alert, date, str, int | None]] = []
        for sheet in s.scalars(select(Sheet).where(Sheet.year == year)
                               .order_by(Sheet.id)).all():
            pending = set(s.scalars(select(ReviewItem.field).where(
                ReviewItem.sheet_id == sheet.id, ReviewItem.status == "pending")).all())
            answers = {a.field: loads(a.value) for a in s.scalars(
                select(Answer).where(Answer.sheet_id == sheet.id)).all()
                if a.status == "ok" and a.field not in pending
                and (a.field in wanted or a.kind == "single")}
            day = sheet.received or _date_in_year(sheet.created, year)
            found += [(al, day, sheet.unit or "", sheet.id) for al in
                      answer_alerts(sheet.sheet_key, answers, labels, freq_labels)]
        for r in s.scalars(select(Response).where(Response.year == year)
                           .order_by(Response.id)).all():
            invalid = set(loads(r.invalid) or [])
            answers = {k: v for k, v in (loads(r.answers) or {}).items() if k not in invalid}
            day = r.received or _date_in_year(r.created, year)
            found += [(al, day, r.unit or "", None) for al in
                      answer_alerts(r.response_id, answers, labels, freq_labels)]
        known: set[str] = set()
        prints = [al.fingerprint for al, *_ in found]
        for i in range(0, len(prints), 500):
            known |= _known_fingerprints(s, prints[i:i + 500])
        for al, day, unit, sheet_id in found:
            if al.fingerprint in known:
                already += 1
                continue
            known.add(al.fingerprint)
            match = rules.match(al.content)
            group = al.group_hint if al.group_hint in known_groups else match.code
            s.add(RegisterEntry(
                entry_date=day, customer="", content=al.content, receiver="", unit=unit,
                source="khao_sat", confirmation="", status="pending", group_code=group,
                group_rule=match.rule if group == match.code else "câu hỏi 2 (phiền hà)",
                group_override=None, sheet_id=sheet_id, fingerprint=al.fingerprint,
                search_text=searchable(al.content), created=now(), created_by=actor))
            added += 1
        if added:
            store.audit(s, "register_survey_alerts", actor, year=year, added=added,
                        already_there=already)
    return added, already


def comments_to_register(store: Store, year: int, actor: str | None = None,
                         rules: Grouping | None = None) -> CommentsReport:
    """Turn the "Ý kiến khác" comments of the year's surveys into register entries (source
    khao_sat, linked to their sheet). Only comments read with confidence or confirmed by a
    reviewer are taken; those still waiting for review are counted and left for later.
    Idempotent: each comment is added once."""
    rules = needs_groups(rules, "comments_to_register")
    actor = actor if actor is not None else current_user()
    alerts, _ = survey_alerts(store, year, actor=actor, rules=rules)
    spec = store.spec("05-02")
    labels = {f: (spec.fields[f].label if spec and f in spec.fields else f)
              for f in COMMENT_FIELDS}
    added = already = waiting = 0
    with store.write_session() as s:
        sheets = s.scalars(select(Sheet).where(Sheet.year == year, Sheet.anonymized.is_(False))
                           .order_by(Sheet.id)).all()
        for sheet in sheets:
            answers = {a.field: a for a in s.scalars(
                select(Answer).where(Answer.sheet_id == sheet.id,
                                     Answer.field.in_((*COMMENT_FIELDS, NAME_FIELD)))).all()}
            pending = set(s.scalars(select(ReviewItem.field).where(
                ReviewItem.sheet_id == sheet.id, ReviewItem.status == "pending")).all())
            name_answer = answers.get(NAME_FIELD)
            customer = ""
            # anonymous surveys ([privacy]): a name read anyway is not copied into the book
            if name_answer is not None and name_answer.status == "ok" \
                    and NAME_FIELD not in pending and not store.settings.anonymous_surveys:
                customer = nfc(loads(name_answer.value) or "")
            for field_id in COMMENT_FIELDS:
                a = answers.get(field_id)
                if a is None:
                    continue
                if a.status == "blank" and field_id not in pending:
                    continue
                if field_id in pending or a.status != "ok":
                    waiting += 1
                    continue
                text = nfc(loads(a.value) or "")
                if not text:
                    continue
                fp = f"khao_sat:{sheet.sheet_key}:{field_id}"
                if s.scalar(select(RegisterEntry.id)
                            .where(RegisterEntry.fingerprint == fp)) is not None:
                    already += 1
                    continue
                day = sheet.received or _date_in_year(sheet.created, year)
                content = f"{labels[field_id]}: {text}"
                match = rules.match(text)
                s.add(RegisterEntry(
                    entry_date=day, customer=customer, content=content, receiver="",
                    unit=sheet.unit or "", source="khao_sat", confirmation="",
                    status="pending", group_code=match.code, group_rule=match.rule,
                    group_override=None, sheet_id=sheet.id, fingerprint=fp,
                    search_text=searchable(customer, content), created=now(),
                    created_by=actor))
                added += 1
        store.audit(s, "register_from_surveys", actor, year=year, added=added,
                    already_there=already, waiting_review=waiting)
    return CommentsReport(added, already, waiting, alerts)


def _date_in_year(stamp: datetime | None, year: int) -> date:
    """A date for a comment without a received date: the day it was stored when that was in
    the survey's year, else the year's last day (the quarter is then Q4; the analysis
    places it by its own rules)."""
    if stamp is not None and stamp.year == year:
        return stamp.date()
    return min(date(year, 12, 31), date.today())

