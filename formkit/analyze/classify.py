"""Classify feedback into opinion groups by the keyword rules of an editable YAML file
(form_templates/feedback_groups.yaml; the file's header explains the rules to its editors).

Matching is on whole words and case-insensitive. Text typed without diacritics
("thu tuc ruom ra") matches accent-insensitively; text written with diacritics must match
the keyword's diacritics too, because folding alone merges different Vietnamese words
("phí" fee / "phi lý" absurd, "sai" wrong / "sài"). The order of tone marks inside a word
("hoà" / "hòa") does not matter. Everything is NFC-normalised first, so NFD input from other
programs matches the same way.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import yaml

from formkit.catalogue import say
from formkit.config import BUILTIN_TEMPLATES, Settings
from formkit.errors import TemplateError
from formkit.textnorm import fold, nfc

RULES_FILE = "feedback_groups.yaml"
FALLBACK_CODE = "khac"
_CODE = re.compile(r"^[a-z0-9_]{1,10}$")
_WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class GroupRule:
    code: str
    name: str
    keywords: tuple[str, ...]
    exceptions: tuple[str, ...] = ()


@dataclass(frozen=True)
class GroupRules:
    groups: tuple[GroupRule, ...]
    fallback_code: str
    fallback_name: str
    source: str

    def labels(self) -> dict[str, str]:
        """group code → Vietnamese name, fallback included (for tallies and workbooks)."""
        out = {g.code: g.name for g in self.groups}
        out[self.fallback_code] = self.fallback_name
        return out

    def name(self, code: str | None) -> str:
        return self.labels().get(code or self.fallback_code, code or self.fallback_name)

    def resolve(self, typed: str) -> str | None:
        """A group code from a code or a name typed by a person (accent-insensitive)."""
        wanted = fold(typed)
        for code, name in self.labels().items():
            if wanted in (fold(code), fold(name)):
                return code
        return None


@dataclass(frozen=True)
class GroupMatch:
    code: str
    name: str
    keywords: tuple[str, ...]  # the keywords that matched (empty for the fallback)

    @property
    def explanation(self) -> str:
        """Which rule decided, in the words the office reads."""
        if not self.keywords:
            return "không khớp từ khóa nào → nhóm mặc định"
        return "từ khóa: " + ", ".join(f"“{k}”" for k in self.keywords)

    @property
    def rule(self) -> str:
        """Compact form kept in the database: '<code>: kw1; kw2'."""
        return f"{self.code}: " + ("; ".join(self.keywords) if self.keywords else "-")


# ---- loading ---------------------------------------------------------------------------

def rules_path(settings: Settings | None = None) -> Path:
    """The workspace's rules file when its templates folder has one, else the built-in."""
    if settings is not None:
        candidate = Path(settings.templates_dir) / RULES_FILE
        if candidate.exists():
            return candidate
    return BUILTIN_TEMPLATES / RULES_FILE


def _text_list(node: object, where: str, path: Path) -> tuple[str, ...]:
    if node is None:
        return ()
    if not isinstance(node, list):
        raise TemplateError(say("error.rules.phrase_list", path=path, where=where))
    out = []
    for i, item in enumerate(node):
        if not isinstance(item, str | int | float) or not nfc(str(item)):
            raise TemplateError(say("error.rules.phrase_empty", path=path, where=where, index=i))
        out.append(nfc(str(item)))
    return tuple(out)


def load_rules(path: Path | None = None, settings: Settings | None = None) -> GroupRules:
    """Read and check the rules file; every error names the file and the key. The result
    is cached until the file changes (it is read for every entry added)."""
    path = path or rules_path(settings)
    try:
        stat = path.stat()
    except OSError:
        stat = None
    if stat is None:
        return _load_rules(path)
    return _load_rules_cached(path, stat.st_mtime_ns, stat.st_size)


@functools.lru_cache(maxsize=8)
def _load_rules_cached(path: Path, _mtime_ns: int, _size: int) -> GroupRules:
    return _load_rules(path)


def _load_rules(path: Path) -> GroupRules:
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise TemplateError(
            say("error.rules.missing", path=path),
            hint=say("hint.rules.copy", builtin=BUILTIN_TEMPLATES / RULES_FILE)) from None
    except UnicodeDecodeError as exc:
        raise TemplateError(say("error.rules.utf8", path=path, detail=str(exc)),
                            hint=say("hint.rules.utf8")) from exc
    except yaml.YAMLError as exc:
        raise TemplateError(say("error.rules.yaml", path=path, detail=str(exc))) from exc
    if not isinstance(raw, dict) or not isinstance(raw.get("groups"), list):
        raise TemplateError(say("error.rules.groups", path=path))
    fallback = raw.get("fallback") or {}
    if not isinstance(fallback, dict):
        raise TemplateError(say("error.rules.fallback", path=path))
    fb_code = str(fallback.get("code", FALLBACK_CODE)).strip()
    fb_name = nfc(str(fallback.get("name", "Khác")))
    groups: list[GroupRule] = []
    seen = {fb_code}
    for i, g in enumerate(raw["groups"]):
        where = f"groups[{i}]"
        if not isinstance(g, dict):
            raise TemplateError(say("error.rules.group_mapping", path=path, where=where))
        code = str(g.get("code", "")).strip()
        if not _CODE.match(code):
            raise TemplateError(say("error.rules.group_code", path=path, where=where,
                                    value=repr(code)))
        if code in seen:
            raise TemplateError(say("error.rules.group_code_twice", path=path, where=where,
                                    value=repr(code)))
        seen.add(code)
        name = nfc(str(g.get("name") or ""))
        if not name:
            raise TemplateError(say("error.rules.group_name", path=path, where=where))
        keywords = _text_list(g.get("keywords"), f"{where}.keywords", path)
        if not keywords:
            raise TemplateError(say("error.rules.group_keywords", path=path, where=where))
        groups.append(GroupRule(code, name, keywords,
                                _text_list(g.get("except"), f"{where}.except", path)))
    return GroupRules(tuple(groups), fb_code, fb_name, str(path))


def group_labels(settings: Settings | None = None) -> dict[str, str]:
    """group code → name from the workspace's rules file (for the tallies and exports)."""
    return load_rules(settings=settings).labels()


# ---- matching --------------------------------------------------------------------------

def _word_marks(text: str) -> list[tuple[str, ...]]:
    """Per word, its diacritics (combining marks, and đ) in sorted order."""
    out = []
    for word in _WORD.findall(text):
        decomposed = unicodedata.normalize("NFD", word)
        marks = sorted(ch for ch in decomposed if unicodedata.category(ch) == "Mn")
        marks += ["đ"] * decomposed.count("đ")
        out.append(tuple(marks))
    return out


class _Prepared:
    """A text in the two forms the matcher needs, position-aligned."""

    def __init__(self, text: str):
        self.lower = nfc(text).lower()
        self.folded = fold(text)
        # Folding keeps one base letter per NFC letter; when that fails (exotic scripts),
        # positions do not line up and only the accent-insensitive match is possible.
        self.aligned = len(self.lower) == len(self.folded)
        self.accented = self.aligned and self.lower != self.folded

    def masked(self, spans: list[tuple[int, int]]) -> _Prepared:
        copy = object.__new__(_Prepared)
        lower, folded = list(self.lower), list(self.folded)
        for start, end in spans:
            for i in range(start, end):
                folded[i] = " "
                if self.aligned:
                    lower[i] = " "
        copy.lower, copy.folded = "".join(lower), "".join(folded)
        copy.aligned, copy.accented = self.aligned, self.accented
        return copy


@dataclass(frozen=True)
class _Phrase:
    """A keyword prepared once: its folded form, whole-word pattern and diacritics."""

    key: str
    pattern: re.Pattern[str]
    marks: tuple[tuple[str, ...], ...]
    #: compare diacritics when the text has them: the keyword has accents, or it is one
    #: word ("sai" is spelled without marks; an unaccented phrase of several words was
    #: typed without accents by the file's editor and carries no such information)
    strict: bool


@functools.lru_cache(maxsize=4096)
def _phrase(phrase: str) -> _Phrase:
    key = fold(phrase)
    lower = nfc(phrase).lower()
    return _Phrase(key, re.compile(r"(?<!\w)" + re.escape(key) + r"(?!\w)"),
                   tuple(_word_marks(lower)), lower != key or " " not in key)


def _find(text: _Prepared, phrase: str) -> list[tuple[int, int]]:
    p = _phrase(phrase)
    if not p.key or p.key not in text.folded:  # cheap test first: most keywords are absent
        return []
    strict = text.accented and p.strict
    spans = []
    for m in p.pattern.finditer(text.folded):
        if strict and tuple(_word_marks(text.lower[m.start():m.end()])) != p.marks:
            continue
        spans.append((m.start(), m.end()))
    return spans


def classify_text(text: str, rules: GroupRules) -> GroupMatch:
    """The group of one piece of feedback: most keywords matched, ties to the group listed
    first; nothing matched → the fallback group ("Khác")."""
    prepared = _Prepared(text or "")
    best: tuple[int, GroupRule, tuple[str, ...]] | None = None
    for rule in rules.groups:
        masked = prepared
        if rule.exceptions:
            spans = [s for phrase in rule.exceptions for s in _find(prepared, phrase)]
            if spans:
                masked = prepared.masked(spans)
        hits = tuple(k for k in rule.keywords if _find(masked, k))
        if hits and (best is None or len(hits) > best[0]):
            best = (len(hits), rule, hits)
    if best is None:
        return GroupMatch(rules.fallback_code, rules.fallback_name, ())
    return GroupMatch(best[1].code, best[1].name, best[2])
