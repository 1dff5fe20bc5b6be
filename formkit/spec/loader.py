"""Load and validate form templates. Every error names the file and the key path."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from formkit.catalogue import say
from formkit.errors import TemplateError
from formkit.spec.model import Column, Element, Field, FieldKind, FormSpec, Option
from formkit.textnorm import nfc

FIELD_ID = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*$")
VALUE_ID = re.compile(r"^[a-z][a-z0-9_]*$")
ELEMENT_TYPES = {"title", "paragraph", "heading", "question", "text", "checkbox", "grid",
                 "choice", "closing", "page_break"}
KINDS = {"survey", "register"}


class _Ctx:
    def __init__(self, path: Path):
        self.path = path

    def fail(self, key: str, message: str) -> TemplateError:
        return TemplateError(f"{self.path}: {key}: {message}")

    def text(self, node: dict, key: str, where: str) -> str:
        value = node.get(key)
        if value is None or (isinstance(value, str) and not value.strip()):
            raise self.fail(f"{where}.{key}" if where else key, "missing label/text")
        if not isinstance(value, str):
            raise self.fail(f"{where}.{key}" if where else key, f"must be text, got {value!r}")
        return nfc(value)

    def mapping(self, node, where: str) -> dict:
        if not isinstance(node, dict):
            raise self.fail(where, f"must be a mapping (key: value), got {type(node).__name__}")
        return node


def template_path(templates_dir: Path, code: str) -> Path:
    """The YAML file for a short code ("05-02") or a full form code."""
    candidates = form_template_files(templates_dir)
    for p in candidates:
        if p.stem == code or p.stem.endswith(code):
            return p
    known = ", ".join(p.stem for p in candidates) or "(none)"
    raise TemplateError(
        say("error.template.unknown_form", form=repr(code), folder=templates_dir, known=known),
        hint=say("hint.template.form_option"),
    )


def load_form(path: Path) -> FormSpec:
    ctx = _Ctx(path)
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise TemplateError(say("error.template.missing", path=path)) from None
    except UnicodeDecodeError as exc:
        raise TemplateError(say("error.template.utf8", path=path, detail=str(exc))) from exc
    except yaml.YAMLError as exc:
        raise TemplateError(say("error.template.yaml", path=path, detail=str(exc))) from exc
    raw = ctx.mapping(raw, "(top level)")
    code = ctx.text(raw, "code", "")
    kind = ctx.text(raw, "kind", "")
    if kind not in KINDS:
        raise ctx.fail("kind", f"unknown kind {kind!r}; use one of {sorted(KINDS)}")
    orientation = raw.get("orientation", "portrait")
    if orientation not in ("portrait", "landscape"):
        raise ctx.fail("orientation", f"must be portrait or landscape, got {orientation!r}")
    spec = FormSpec(code=str(code), kind=kind, title=ctx.text(raw, "title", ""),
                    orientation=orientation, source=str(path))
    if kind == "register":
        _load_register(ctx, raw, spec)
    else:
        _load_survey(ctx, raw, spec)
    return spec


def _load_register(ctx: _Ctx, raw: dict, spec: FormSpec) -> None:
    spec.year_line = ctx.text(raw, "year_line", "")
    spec.row_height_mm = float(raw.get("row_height_mm", 12))
    cols = raw.get("columns")
    if not isinstance(cols, list) or not cols:
        raise ctx.fail("columns", "a register needs a non-empty list of columns")
    seen: set[str] = set()
    for i, c in enumerate(cols):
        where = f"columns[{i}]"
        c = ctx.mapping(c, where)
        cid = c.get("id")
        if not isinstance(cid, str) or not VALUE_ID.match(cid):
            raise ctx.fail(f"{where}.id", f"must be a lower-case ASCII id, got {cid!r}")
        if cid in seen:
            raise ctx.fail(f"{where}.id", f"duplicate id {cid!r}")
        seen.add(cid)
        width = c.get("width_mm")
        if not isinstance(width, int | float) or width <= 5:
            raise ctx.fail(f"{where}.width_mm", f"must be a width in mm above 5, got {width!r}")
        spec.columns.append(Column(cid, ctx.text(c, "label", where), float(width)))


def _load_options(ctx: _Ctx, raw: dict) -> dict[str, tuple[Option, ...]]:
    sets = raw.get("option_sets", {}) or {}
    ctx.mapping(sets, "option_sets")
    out: dict[str, tuple[Option, ...]] = {}
    for name, items in sets.items():
        where = f"option_sets.{name}"
        if not isinstance(items, list) or len(items) < 2:
            raise ctx.fail(where, "an option set needs at least two options")
        opts: list[Option] = []
        for j, o in enumerate(items):
            w = f"{where}[{j}]"
            o = ctx.mapping(o, w)
            value = o.get("value")
            if not isinstance(value, str) or not VALUE_ID.match(value):
                raise ctx.fail(f"{w}.value", f"must be a lower-case ASCII id, got {value!r}")
            if any(p.value == value for p in opts):
                raise ctx.fail(f"{w}.value", f"duplicate option {value!r}")
            opts.append(Option(value, ctx.text(o, "label", w)))
        out[name] = tuple(opts)
    return out


def _load_survey(ctx: _Ctx, raw: dict, spec: FormSpec) -> None:
    option_sets = _load_options(ctx, raw)
    elements = raw.get("elements")
    if not isinstance(elements, list) or not elements:
        raise ctx.fail("elements", "a survey needs a non-empty list of elements")

    def add_field(f: Field, where: str) -> None:
        if not FIELD_ID.match(f.id):
            raise ctx.fail(f"{where}.id", f"{f.id!r} is not a valid field id (a.b_c, ASCII)")
        if f.id in spec.fields:
            raise ctx.fail(f"{where}.id", f"duplicate id {f.id!r}")
        spec.fields[f.id] = f

    def options_of(node: dict, where: str) -> tuple[Option, ...]:
        name = node.get("options")
        if name not in option_sets:
            raise ctx.fail(
                f"{where}.options",
                f"unknown option set {name!r}; defined: {sorted(option_sets) or '(none)'}",
            )
        return option_sets[name]

    for i, el in enumerate(elements):
        where = f"elements[{i}]"
        el = ctx.mapping(el, where)
        etype = el.get("type")
        if etype not in ELEMENT_TYPES:
            raise ctx.fail(f"{where}.type", f"unknown element type {etype!r}; use one of "
                           f"{sorted(ELEMENT_TYPES)}")
        if etype == "title":
            lines = el.get("lines")
            if not isinstance(lines, list) or not lines or not all(
                isinstance(x, str) and x.strip() for x in lines
            ):
                raise ctx.fail(f"{where}.lines", "missing label/text: a list of title lines")
            spec.elements.append(Element("title", lines=tuple(nfc(x) for x in lines)))
        elif etype == "page_break":
            spec.elements.append(Element("page_break"))
        elif etype in ("paragraph", "heading", "question", "closing"):
            spec.elements.append(Element(etype, text=ctx.text(el, "text", where),
                                         style=str(el.get("style", ""))))
        elif etype == "text":
            lines = el.get("lines", 2)
            if not isinstance(lines, int) or not 1 <= lines <= 10:
                raise ctx.fail(f"{where}.lines", f"must be 1 to 10 ruled lines, got {lines!r}")
            f = Field(str(el.get("id")), FieldKind.TEXT, ctx.text(el, "label", where), lines=lines)
            add_field(f, where)
            prompt = nfc(el["prompt"]) if isinstance(el.get("prompt"), str) else ""
            spec.elements.append(Element("text", text=prompt, field_ids=(f.id,)))
        elif etype == "checkbox":
            f = Field(str(el.get("id")), FieldKind.FLAG, ctx.text(el, "label", where))
            add_field(f, where)
            spec.elements.append(Element("checkbox", text=f.label, field_ids=(f.id,)))
        elif etype == "choice":
            f = Field(str(el.get("id")), FieldKind.SINGLE, ctx.text(el, "label", where),
                      options=options_of(el, where), only_if=_only_if(ctx, el, where))
            add_field(f, where)
            spec.elements.append(Element("choice", text=f.label, field_ids=(f.id,)))
        elif etype == "grid":
            opts = options_of(el, where)
            rows = el.get("rows")
            if not isinstance(rows, list) or not rows:
                raise ctx.fail(f"{where}.rows", "a grid needs a non-empty list of rows")
            ids = []
            for j, r in enumerate(rows):
                w = f"{where}.rows[{j}]"
                r = ctx.mapping(r, w)
                f = Field(str(r.get("id")), FieldKind.SINGLE, ctx.text(r, "label", w),
                          options=opts)
                add_field(f, w)
                ids.append(f.id)
            spec.elements.append(Element("grid", field_ids=tuple(ids)))

    # conditions must point at existing single-choice fields and options
    for f in spec.fields.values():
        if f.only_if:
            target = spec.fields.get(f.only_if[0])
            if target is None or target.kind is not FieldKind.SINGLE:
                raise ctx.fail(f"{f.id}.only_if", f"field {f.only_if[0]!r} is not a choice field")
            if f.only_if[1] not in {o.value for o in target.options}:
                raise ctx.fail(f"{f.id}.only_if", f"{f.only_if[0]} has no option {f.only_if[1]!r}")


def _only_if(ctx: _Ctx, el: dict, where: str) -> tuple[str, str] | None:
    cond = el.get("only_if")
    if cond is None:
        return None
    cond = ctx.mapping(cond, f"{where}.only_if")
    if not isinstance(cond.get("field"), str) or not isinstance(cond.get("value"), str):
        raise ctx.fail(f"{where}.only_if", "needs `field` and `value`")
    return (cond["field"], cond["value"])


_KIND_LINE = re.compile(r"^kind:", re.MULTILINE)


def form_template_files(templates_dir: Path) -> list[Path]:
    """The form templates of a folder: YAML files with a top-level `kind:` (other YAML
    there, such as the feedback group rules, is not a form)."""
    out = []
    for p in sorted(templates_dir.glob("*.yaml")):
        try:
            if _KIND_LINE.search(p.read_text(encoding="utf-8")):
                out.append(p)
        except (OSError, UnicodeDecodeError):
            out.append(p)  # let load_form report it properly
    return out


def load_forms(templates_dir: Path) -> dict[str, FormSpec]:
    """Every template in the folder, by short code."""
    out: dict[str, FormSpec] = {}
    for p in form_template_files(templates_dir):
        spec = load_form(p)
        if spec.code in out:
            raise TemplateError(say("error.template.code_twice", path=p, form=repr(spec.code),
                                    other=out[spec.code].source))
        out[spec.code] = spec
    return out
