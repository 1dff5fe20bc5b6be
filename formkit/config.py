"""Agency settings and workspace paths.

A workspace is a folder with a `formkit.toml` (written by `formkit init`). Everything
agency-specific lives there: another department running the same ISO procedure edits the
file, not the code. Without a file the Đắk Lắk defaults below apply.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from formkit.catalogue import say
from formkit.errors import ConfigError, OutputError
from formkit.textnorm import nfc

CONFIG_NAME = "formkit.toml"
PACKAGE_ROOT = Path(__file__).resolve().parent
BUILTIN_TEMPLATES = PACKAGE_ROOT.parent / "form_templates"

DEFAULT_TOML = """\
# formkit settings for one agency. Edit freely: nothing agency-specific is in the code.
# Text is UTF-8; Vietnamese as you want it printed.

[agency]
province = "UBND TỈNH ĐẮK LẮK"          # header line 1 (governing body), capitals
name = "SỞ CÔNG THƯƠNG"                  # header line 2, capitals, bold
short_name = "Sở Công Thương"            # used inside sentences of the forms and report
abbreviation = "SCT"                     # Số: .../BC-SCT, Lưu: VT, ...
place = "Đắk Lắk"                        # "Đắk Lắk, ngày ... tháng ... năm ..."
signer_title = "KT. GIÁM ĐỐC"
signer_subtitle = "PHÓ GIÁM ĐỐC"
signer_name = ""
iso_unit = "Ban ISO"                     # keeps the records (retention)

[iso]
procedure = "QT.SCT.05"
corrective_procedure = "QT.SCT.04"
issue = ""                               # Lần ban hành, e.g. "01" (empty: a blank to fill in)
issue_date = ""                          # Ngày ban hành, YYYY-MM-DD (empty: a blank)
retention_years = 3

[iso.forms]
"05-01" = "BM.QT.SCT.05-01"
"05-02" = "BM.QT.SCT.05-02"

# The units (phòng) that run the survey; `code` is printed in the QR code of each sheet.
[[units]]
code = "VP"
name = "Văn phòng Sở"

[[units]]
code = "TTRA"
name = "Thanh tra Sở"

[[units]]
code = "KHTC"
name = "Phòng Kế hoạch - Tài chính"

[[units]]
code = "QLCN"
name = "Phòng Quản lý Công nghiệp"

[[units]]
code = "QLTM"
name = "Phòng Quản lý Thương mại"

[[units]]
code = "QLNL"
name = "Phòng Quản lý Năng lượng"

[forms]
# The approved survey (BM.QT.SCT.05-02) has no national motto header; true adds
# "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM / Độc lập - Tự do - Hạnh phúc" beside the agency.
motto_header = false

[paths]
exports = "exports"
scans = "scans"
templates = ""                           # empty: the built-in form_templates/
database = "sqlite:///formkit.db"        # any SQLAlchemy URL; a relative SQLite path is in here

[privacy]
# true: the survey prints no name line and formkit stores no respondent name (NĐ 13/2023)
anonymous_surveys = false

[indicators]
# Working days (Mon–Fri) within which a register entry should be handled; an entry handled
# later, or still pending after it, is overdue in the QĐ 766/QĐ-TTg ratios.
feedback_deadline_days = 10
margin = 0.05                            # e in the sample size n = N / (1 + N·e²)
# Files (hồ sơ) handled per year, N of the sample size; and how many of them were overdue:
# [indicators.files_handled]
# "2026" = 2000
# [indicators.files_overdue]
# "2026" = 12
# Reference figures (not computed by formkit), shown as such beside the unit's own:
# [[indicators.reference]]
# label = "SIPAS toàn quốc"
# year = 2023
# percent = 82.66
"""


@dataclass(frozen=True)
class ReferenceFigure:
    """A satisfaction figure published by someone else (SIPAS national or provincial)."""

    label: str
    year: int
    percent: float


@dataclass(frozen=True)
class Unit:
    code: str
    name: str


@dataclass
class Settings:
    workspace: Path
    province: str = "UBND TỈNH ĐẮK LẮK"
    agency_name: str = "SỞ CÔNG THƯƠNG"
    agency_short_name: str = "Sở Công Thương"
    abbreviation: str = "SCT"
    place: str = "Đắk Lắk"
    signer_title: str = "KT. GIÁM ĐỐC"
    signer_subtitle: str = "PHÓ GIÁM ĐỐC"
    signer_name: str = ""
    iso_unit: str = "Ban ISO"
    procedure: str = "QT.SCT.05"
    corrective_procedure: str = "QT.SCT.04"
    iso_issue: str = ""  # "" and None: the forms print a blank to fill in by hand
    iso_issue_date: date | None = None
    retention_years: int = 3
    form_motto: bool = False  # [forms] motto_header: the approved survey has none
    form_codes: dict[str, str] = field(
        default_factory=lambda: {"05-01": "BM.QT.SCT.05-01", "05-02": "BM.QT.SCT.05-02"}
    )
    units: list[Unit] = field(default_factory=list)
    exports_dir: Path = Path("exports")
    scans_dir: Path = Path("scans")
    templates_dir: Path = BUILTIN_TEMPLATES
    database_url: str = "sqlite:///formkit.db"
    source: Path | None = None
    anonymous_surveys: bool = False  # [privacy]: no respondent name printed nor stored
    feedback_deadline_days: int = 10  # [indicators]: working days to handle an entry
    sample_margin: float = 0.05  # [indicators] margin: e of n = N / (1 + N·e²)
    files_handled: dict[int, int] = field(default_factory=dict)  # year → files (N)
    files_overdue: dict[int, int] = field(default_factory=dict)  # year → overdue files
    reference_figures: list[ReferenceFigure] = field(default_factory=list)

    def unit(self, code: str | None) -> Unit | None:
        """The unit with this code (case-insensitive); None for None. Unknown codes raise."""
        if code is None or code == "":
            return None
        for u in self.units:
            if u.code.upper() == code.upper():
                return u
        known = ", ".join(u.code for u in self.units) or "(none)"
        raise ConfigError(
            say("error.config.unknown_unit", unit=repr(code), where=self._where(), known=known),
            hint=say("hint.config.unit"))

    def form_code(self, short: str) -> str:
        try:
            return self.form_codes[short]
        except KeyError:
            raise ConfigError(say("error.config.form_code", short=repr(short),
                                  where=self._where())) from None

    def _where(self) -> str:
        """The settings file, or the built-in defaults, in Vietnamese."""
        return str(self.source) if self.source else "cấu hình mặc định"

    @property
    def layouts_dir(self) -> Path:
        """Layouts built in this workspace (read beside the committed ones)."""
        return self.exports_dir / "forms" / "layouts"

    @property
    def cache_dir(self) -> Path:
        """Figures kept only to answer faster (the web overview's counts): deleting the
        folder loses nothing, they are computed again."""
        return self.exports_dir / "cache"


def _default_units() -> list[Unit]:
    data = tomllib.loads(DEFAULT_TOML)
    return [Unit(u["code"], u["name"]) for u in data["units"]]


def find_workspace(start: Path | None = None) -> Path:
    env = os.environ.get("FORMKIT_WORKSPACE")
    if env:
        return Path(env).resolve()
    return (start or Path.cwd()).resolve()


def _get(table: dict, key: str, kind: type, where: str, default):
    if key not in table:
        return default
    value = table[key]
    if not isinstance(value, kind):
        raise ConfigError(say("error.config.key_type", where=where, key=key,
                              kind=kind.__name__, found=type(value).__name__,
                              value=repr(value)))
    return nfc(value) if isinstance(value, str) else value


def load_settings(workspace: Path | None = None) -> Settings:
    """Read `formkit.toml` in the workspace; the Đắk Lắk defaults fill what is missing."""
    ws = find_workspace(workspace)
    path = ws / CONFIG_NAME
    data: dict = {}
    if path.exists():
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(say("error.config.toml", path=str(path), detail=str(exc))) from exc
        except UnicodeDecodeError as exc:
            raise ConfigError(say("error.config.utf8", path=str(path), detail=str(exc)),
                              hint=say("hint.config.utf8")) from exc
    s = Settings(workspace=ws, source=path if path.exists() else None)
    where = str(path)
    agency = data.get("agency", {})
    if not isinstance(agency, dict):
        raise ConfigError(say("error.config.table", where=where, table="[agency]"))
    for key, attr in [
        ("province", "province"), ("name", "agency_name"), ("short_name", "agency_short_name"),
        ("abbreviation", "abbreviation"), ("place", "place"), ("signer_title", "signer_title"),
        ("signer_subtitle", "signer_subtitle"), ("signer_name", "signer_name"),
        ("iso_unit", "iso_unit"),
    ]:
        setattr(s, attr, _get(agency, key, str, f"{where} [agency]", getattr(s, attr)))
    iso = data.get("iso", {})
    if not isinstance(iso, dict):
        raise ConfigError(say("error.config.table", where=where, table="[iso]"))
    s.procedure = _get(iso, "procedure", str, f"{where} [iso]", s.procedure)
    s.corrective_procedure = _get(
        iso, "corrective_procedure", str, f"{where} [iso]", s.corrective_procedure
    )
    s.iso_issue = _get(iso, "issue", str, f"{where} [iso]", s.iso_issue)
    raw_date = iso.get("issue_date", s.iso_issue_date)
    if isinstance(raw_date, str) and not raw_date.strip():
        raw_date = None
    elif isinstance(raw_date, str):
        try:
            raw_date = date.fromisoformat(raw_date)
        except ValueError:
            raise ConfigError(say("error.config.issue_date", where=f"{where} [iso]",
                                  value=repr(raw_date))) from None
    if raw_date is not None and not isinstance(raw_date, date):
        raise ConfigError(say("error.config.issue_date", where=f"{where} [iso]",
                              value=repr(raw_date)))
    s.iso_issue_date = raw_date
    s.retention_years = _get(iso, "retention_years", int, f"{where} [iso]", s.retention_years)
    if s.retention_years < 1:
        raise ConfigError(say("error.config.at_least_one", where=f"{where} [iso]",
                              key="retention_years"))
    forms = iso.get("forms", {})
    if not isinstance(forms, dict) or not all(isinstance(v, str) for v in forms.values()):
        raise ConfigError(say("error.config.iso_forms", where=where))
    s.form_codes = {**s.form_codes, **{k: nfc(v) for k, v in forms.items()}}

    units = data.get("units")
    if units is None:
        s.units = _default_units()
    else:
        if not isinstance(units, list):
            raise ConfigError(say("error.config.units_tables", where=where))
        seen: set[str] = set()
        s.units = []
        for i, u in enumerate(units):
            if not isinstance(u, dict) or not isinstance(u.get("code"), str) or not isinstance(
                u.get("name"), str
            ):
                raise ConfigError(say("error.config.unit_fields", where=where, index=i))
            code = u["code"].strip().upper()
            if not code.isascii() or not code.replace("-", "").replace("_", "").isalnum():
                raise ConfigError(say("error.config.unit_ascii", where=where, index=i,
                                      unit=repr(u["code"])))
            if code in seen:
                raise ConfigError(say("error.config.unit_twice", where=where, index=i,
                                      unit=repr(code)))
            seen.add(code)
            s.units.append(Unit(code, nfc(u["name"])))

    paths = data.get("paths", {})
    if not isinstance(paths, dict):
        raise ConfigError(say("error.config.table", where=where, table="[paths]"))
    forms_table = data.get("forms", {})
    if not isinstance(forms_table, dict):
        raise ConfigError(say("error.config.table", where=where, table="[forms]"))
    s.form_motto = _get(forms_table, "motto_header", bool, f"{where} [forms]", s.form_motto)
    s.exports_dir = ws / _get(paths, "exports", str, f"{where} [paths]", "exports")
    s.scans_dir = ws / _get(paths, "scans", str, f"{where} [paths]", "scans")
    templates = _get(paths, "templates", str, f"{where} [paths]", "")
    s.templates_dir = (ws / templates) if templates else BUILTIN_TEMPLATES
    s.database_url = _get(paths, "database", str, f"{where} [paths]", s.database_url)
    _load_beyond(data, s, where)
    return s


def _year_counts(table: object, where: str) -> dict[int, int]:
    if not isinstance(table, dict):
        raise ConfigError(say("error.config.year_counts_table", where=where))
    out: dict[int, int] = {}
    for key, value in table.items():
        if not str(key).isdigit() or not isinstance(value, int) or isinstance(value, bool) \
                or value < 0:
            raise ConfigError(say("error.config.year_count", where=where, key=repr(key),
                                  value=repr(value)))
        out[int(key)] = value
    return out


def _load_beyond(data: dict, s: Settings, where: str) -> None:
    """[privacy] and [indicators]: personal data and the national indicators (issue 18)."""
    privacy = data.get("privacy", {})
    if not isinstance(privacy, dict):
        raise ConfigError(say("error.config.table", where=where, table="[privacy]"))
    s.anonymous_surveys = _get(privacy, "anonymous_surveys", bool, f"{where} [privacy]",
                               s.anonymous_surveys)
    ind = data.get("indicators", {})
    if not isinstance(ind, dict):
        raise ConfigError(say("error.config.table", where=where, table="[indicators]"))
    w = f"{where} [indicators]"
    s.feedback_deadline_days = _get(ind, "feedback_deadline_days", int, w,
                                    s.feedback_deadline_days)
    if s.feedback_deadline_days < 1:
        raise ConfigError(say("error.config.at_least_one", where=w,
                              key="feedback_deadline_days"))
    margin = ind.get("margin", s.sample_margin)
    if not isinstance(margin, int | float) or isinstance(margin, bool) or not 0 < margin < 1:
        raise ConfigError(say("error.config.margin", where=w))
    s.sample_margin = float(margin)
    s.files_handled = _year_counts(ind.get("files_handled", {}), f"{w}.files_handled")
    s.files_overdue = _year_counts(ind.get("files_overdue", {}), f"{w}.files_overdue")
    refs = ind.get("reference", [])
    if not isinstance(refs, list):
        raise ConfigError(say("error.config.reference_tables", where=w))
    s.reference_figures = []
    for i, r in enumerate(refs):
        ok = (isinstance(r, dict) and isinstance(r.get("label"), str)
              and isinstance(r.get("year"), int)
              and isinstance(r.get("percent"), int | float) and 0 <= r["percent"] <= 100)
        if not ok:
            raise ConfigError(say("error.config.reference", where=w, index=i))
        s.reference_figures.append(ReferenceFigure(nfc(r["label"]), r["year"],
                                                   float(r["percent"])))


def issue_control(settings: Settings, short: str, gap: str = "    ") -> str:
    """"BM.QT.SCT.05-02    Lần ban hành: 01    Ngày ban hành: 02/01/2024": the issue control
    of a form; what formkit.toml does not set is a blank to fill in by hand, never invented."""
    issue = settings.iso_issue.strip() or "\u2026" * 3
    d = settings.iso_issue_date
    issued = f"{d.day:02d}/{d.month:02d}/{d.year}" if d else "\u2026/\u2026/\u2026\u2026"
    return f"{settings.form_code(short)}{gap}Lần ban hành: {issue}{gap}Ngày ban hành: {issued}"


def issue_notes(settings: Settings) -> list[str]:
    """What `forms build` tells the user about the issue block it printed blank."""
    missing = []
    if not settings.iso_issue.strip():
        missing.append("issue (Lần ban hành)")
    if settings.iso_issue_date is None:
        missing.append("issue_date (Ngày ban hành)")
    if not missing:
        return []
    return [f"formkit.toml [iso] has no {' and no '.join(missing)}: the forms print a blank "
            "to fill in by hand. Set them to print the approved values."]


def write_default_config(workspace: Path, force: bool = False) -> Path:
    """`formkit init`: write the default formkit.toml; never overwrite without force."""
    workspace.mkdir(parents=True, exist_ok=True)
    path = workspace / CONFIG_NAME
    if path.exists() and not force:
        raise ConfigError(say("error.config.exists", path=str(path)),
                          hint=say("hint.config.exists"))
    try:
        tmp = path.with_suffix(".toml.tmp")
        tmp.write_text(DEFAULT_TOML, encoding="utf-8")
        tmp.replace(path)
    except OSError as exc:
        raise OutputError(say("error.config.write", path=str(path),
                              detail=exc.strerror or str(exc))) from exc
    return path
