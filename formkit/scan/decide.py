"""Field decisions from box states: the one place that says what a set of ticks means.

Shared by every reader (scanned pages, filled DOCX, exported PDF) so that a sheet gets the
same statuses whichever way it came back. A reader measures its boxes, turns each into a
state, and passes the *checked* and the *uncertain* option values per field:

    checked   = {"c1.thai_do_giao_tiep": {"tot"}, "noi_dung.giai_quyet_tthc": {"x"}, ...}
    uncertain = {"c2.muc_do": {"mot_lan"}}          # a person must look at these boxes
    decisions = decide_fields(spec, checked, uncertain, unreadable={"c5.muc_do_hai_long"})
    value, status, note = decisions["c1.thai_do_giao_tiep"]

A completely filled box that cancels a mark (T.fill_cancels) is neither checked nor
uncertain: the reader leaves it out. Fields missing from both dicts are unticked.

Rules (field kinds from the template; the same as formkit.scan.boxes.decide_choice and
apply_conditions of the scan reader, so a sheet gets one answer whichever way it came):
  flag    ticked → (True, ok); unticked → (False, ok): an unticked flag is an answer;
          uncertain box → (None, uncertain)
  single  one option → (value, ok); none → (None, blank); two or more → (None, multiple,
          the ticked values in the note); any uncertain box and at most one tick →
          (the tick or None, uncertain)
  only_if a field read as ok with a value while the field it depends on was read as ok
          with another value is a contradiction (c2.muc_do ticked while c2.phien_ha =
          khong): the dependent field gets status contradiction, keeps its value and names
          the condition in its note; a dependent field that is already multiple or
          uncertain keeps that status and gets the note. Answered while the condition is
          blank is ok (the answer implies the condition) and noted.
  unreadable fields the reader could not measure (page missing, off the scan) →
          (None, unreadable), never blank.
Text fields are not decided here (their readers set the status from the text).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, NamedTuple

from formkit import notes
from formkit.catalogue import say
from formkit.scan.result import Status
from formkit.spec.model import Field, FieldKind, FormSpec

FLAG_VALUE = "x"  # the option value of a flag's one box (spec.Box.value)
# condition readings a person must settle before a dependent answer can be trusted
UNSETTLED = (Status.UNCERTAIN, Status.MULTIPLE, Status.UNREADABLE)


class Decision(NamedTuple):
    value: Any  # option value; True/False for a flag; None when undecided
    status: Status
    note: str = ""


def _is_answered(f: Field, checked: set[str]) -> bool:
    return bool(checked) if f.kind is FieldKind.SINGLE else FLAG_VALUE in checked


def _matches(d: Decision, wanted: str) -> bool:
    if isinstance(d.value, bool):  # a flag as condition: "x"/"true" means ticked
        return d.value == (wanted.lower() in (FLAG_VALUE, "true", "yes", "co"))
    return d.value == wanted


def decide_field(f: Field, ticks: set[str], unsure: set[str]) -> Decision:
    """One field from its ticked and unclear option values (the rules above)."""
    if f.kind is FieldKind.FLAG:
        if FLAG_VALUE in unsure:
            return Decision(None, Status.UNCERTAIN, notes.join(say("note.flag_unclear")))
        return Decision(FLAG_VALUE in ticks, Status.OK)
    order = [o.value for o in f.options]
    ticked = [v for v in order if v in ticks]
    if len(ticked) >= 2:
        return Decision(None, Status.MULTIPLE,
                        notes.join(say("note.boxes.ticked", boxes=", ".join(ticked))))
    if unsure:
        unsure_s = ", ".join(v for v in order if v in unsure)
        return Decision(ticked[0] if ticked else None, Status.UNCERTAIN,
                        notes.join(say("note.boxes.unclear", boxes=unsure_s),
                                   say("note.boxes.ticked", boxes=ticked[0]) if ticked else None))
    if ticked:
        return Decision(ticked[0], Status.OK)
    return Decision(None, Status.BLANK)


def decide_fields(spec: FormSpec, checked: Mapping[str, Iterable[str]],
                  uncertain: Mapping[str, Iterable[str]] | None = None,
                  unreadable: Iterable[str] = ()) -> dict[str, Decision]:
    """Decide every choice field (single and flag) of `spec` from the checked and uncertain
    option values per field id (see the module notes for the rules). Unknown field ids or
    option values are a reader bug and raise ValueError."""
    uncertain = uncertain or {}
    unreadable = set(unreadable)
    choice = {f.id: f for f in spec.choice_fields}
    ticks: dict[str, set[str]] = {}
    unsure: dict[str, set[str]] = {}
    for name, src, dst in (("checked", checked, ticks), ("uncertain", uncertain, unsure)):
        for fid, values in src.items():
            f = choice.get(fid)
            if f is None:
                raise ValueError(f"{name}: {fid!r} is not a choice field of form {spec.code}")
            vals = set(values)
            allowed = {FLAG_VALUE} if f.kind is FieldKind.FLAG else {o.value for o in f.options}
            if vals - allowed:
                raise ValueError(f"{name}: {fid} has no option {sorted(vals - allowed)}")
            dst[fid] = vals

    out: dict[str, Decision] = {}
    for fid, f in choice.items():
        if fid in unreadable:
            out[fid] = Decision(None, Status.UNREADABLE, notes.join(say("note.not_measured")))
        else:
            out[fid] = decide_field(f, ticks.get(fid, set()), unsure.get(fid, set()))

    for fid, f in choice.items():
        if not f.only_if or fid in unreadable:
            continue
        cond_id, wanted = f.only_if
        if cond_id not in out or not _is_answered(f, ticks.get(fid, set())):
            continue
        out[fid] = apply_condition(f, out[fid], out[cond_id])
    return out


def apply_condition(f: Field, own: Decision, cond: Decision) -> Decision:
    """A field answered although the field it depends on says it should not be (c2.muc_do
    ticked with c2.phien_ha = khong) becomes a contradiction, for a person to settle."""
    cond_id, wanted = f.only_if
    if cond.status is Status.OK and not _matches(cond, wanted):
        why = say("note.condition.contradiction", condition=cond_id, value=str(cond.value),
                  wanted=wanted)
        if own.status is Status.OK:
            return Decision(own.value, Status.CONTRADICTION, notes.join(why))
        return own._replace(note=notes.join(own.note, why))
    if cond.status in UNSETTLED and own.status is Status.OK:
        # whether this answer stands depends on a reading a person has to make first
        return Decision(own.value, Status.UNCERTAIN,
                        notes.join(say("note.condition.unsettled", condition=cond_id,
                                       wanted=wanted, status=str(cond.status))))
    if cond.status is Status.BLANK and own.status is Status.OK:
        return own._replace(
            note=notes.join(say("note.condition.implied", condition=cond_id, wanted=wanted)))
    return own
