"""The work left for a person after `formkit read`, measured through the web page.

100 simulated sheets (formkit_dev.simulate, office quality "light" by default) are read into
a temporary workspace; then a scripted reviewer who knows the truth (truth.json) clears the
review queue in headless Chromium (Playwright, Debian's /usr/bin/chromium) as a person would:

  group     tick items through group verification, every group on pages of 30 crops (one
            click on each crop the machine read wrong: the right option chip of a choice row,
            the crop itself of a tick box; Enter for the whole page; items without a reading
            one at a time, one key each), then the transcription queue with the
            type-ahead of known names, an imported directory of organisations included;
  single    the baseline: every tick item one at a time (Enter to agree, else the number of
            the answer), then the transcription queue without the directory.

Counted: clicks + keys per tick item (navigation between pages the app does by itself is not
counted, a click on a group link or a tab is); keystrokes per character of transcribed text,
typing Vietnamese with Telex (a tone or a hat is one more key, đ is dd, a capital one more);
a name taken from the suggestions costs the letters typed (accents not needed), Tab and
Enter. Also: the OCR confidence from which the machine's text would be right ≥ 95 % of the
time (T.text_prefill_confidence), the errors left against the truth, items left pending and
items decided twice, and wall time.

    .venv/bin/python benchmarks/review_effort.py [--sheets 100] [--seed 5] [--level light]
        [--work DIR]   (DIR is kept and reused: the reading is done once)
        [--modes group,single]

Targets (issue 14): ≤ 0.3 clicks + keys per tick item with group verification; ≤ 0.4
keystrokes per character for organisation names present in the directory.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sqlite3
import sys
import tempfile
import time
import unicodedata
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from formkit import api  # noqa: E402
from formkit.config import load_settings  # noqa: E402
from formkit.store.directory import import_directory, known_names, suggest  # noqa: E402
from formkit.store.review import REVIEW_INVALID, choices  # noqa: E402
from formkit.textnorm import fold, nfc  # noqa: E402
from formkit.thresholds import T  # noqa: E402
from formkit_dev import simulate as sim  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]

# a directory of organisations: the simulator's companies among plausible others
_KINDS = ["Công ty TNHH", "Công ty Cổ phần", "Công ty TNHH MTV", "Hợp tác xã",
          "Doanh nghiệp tư nhân", "Chi nhánh Công ty TNHH", "Hộ kinh doanh"]
_TRADES = ["Thương mại", "Xăng dầu", "Cà phê", "Nông sản", "Vật liệu xây dựng", "Điện máy",
           "Dịch vụ Vận tải", "Thực phẩm", "Gas", "Phân bón", "Hóa chất", "Cao su", "Điện",
           "Sản xuất Thương mại", "Đầu tư Xây dựng", "Rượu bia", "Năng lượng"]
_PLACES = ["Đắk Lắk", "Buôn Ma Thuột", "Ea Kar", "Krông Pắc", "Cư M'gar", "Phú Yên",
           "Tuy Hòa", "Tây Nguyên", "Krông Búk", "Ea H'leo", "Lắk", "M'Drắk", "Sông Hinh",
           "Hoàng Long", "Minh Phát", "Thành Công", "Phước An", "Hưng Thịnh", "Nam Việt"]


def directory_rows(n_extra: int = 300) -> list[tuple[str, str]]:
    rows = [(name, f"60{i:08d}") for i, name in enumerate(sim.COMPANIES)]
    seen = {fold(n) for n, _ in rows}
    i = 0
    while len(rows) < len(sim.COMPANIES) + n_extra:
        k, t, p = (_KINDS[i % len(_KINDS)], _TRADES[(i // 7) % len(_TRADES)],
                   _PLACES[(i // 3) % len(_PLACES)])
        name = f"{k} {t} {p}"
        i += 1
        if fold(name) not in seen:
            seen.add(fold(name))
            rows.append((name, f"61{i:08d}"))
        if i > 20000:
            break
    return rows


# ---- cost model ----------------------------------------------------------------------------

_TELEX_EXTRA = {"\u0302": 1, "\u0306": 1, "\u031b": 1,  # hat, breve, horn
                "\u0300": 1, "\u0301": 1, "\u0303": 1, "\u0309": 1, "\u0323": 1}  # tones


def telex_keys(text: str) -> int:
    """Keystrokes to type `text` with Telex: a letter, plus one per hat/breve/horn and one per
    tone, đ = dd, a capital one more (Shift)."""
    keys = 0
    for ch in nfc(text):
        if ch in "đĐ":
            keys += 2 + (ch == "Đ")
            continue
        parts = unicodedata.normalize("NFD", ch)
        keys += 1 + sum(_TELEX_EXTRA.get(m, 0) for m in parts[1:])
        keys += parts[0].isupper()
    return keys


def same_text(a: Any, b: Any) -> bool:
    return " ".join(nfc(a or "").split()) == " ".join(nfc(b or "").split())


# ---- preparing the workspace ---------------------------------------------------------------

def prepare(work: Path, sheets: int, seed: int, level: str) -> Path:
    from tests.web_helpers import make_web_workspace

    base = work / "base"
    if (base / "ready").exists():
        return base
    if base.exists():
        shutil.rmtree(base)
    settings = make_web_workspace(base)
    scans = work / "scans"
    if scans.exists():
        shutil.rmtree(scans)
    t0 = time.perf_counter()
    sim.simulate(settings, sheets, seed, scans, level=level, formats=("pdf",))
    t1 = time.perf_counter()
    api.read(settings, [scans])
    print(f"prepared: {sheets} sheets simulated in {t1 - t0:.0f} s, read in "
          f"{time.perf_counter() - t1:.0f} s", flush=True)
    (base / "ready").write_text("ok")
    return base


def truth_by_serial(work: Path) -> dict[int, dict[str, Any]]:
    truth = sim.load_truth(work / "scans")
    return {c["serial"]: c["fields"] for c in truth["copies"]}


def expected(kind: str, tf: dict[str, Any]) -> Any:
    """What a careful person records for a field, from the simulator's truth."""
    if kind == "text":
        return nfc(tf.get("value") or "") or None
    if tf.get("expect") == "multiple":
        return REVIEW_INVALID
    return tf.get("value")


# ---- OCR prefill threshold -----------------------------------------------------------------

def prefill_threshold(db: Path, truth: dict[int, dict[str, Any]]) -> tuple[list, float | None]:
    """(rows of the table, the lowest confidence from which readings are ≥ 95 % right)."""
    con = sqlite3.connect(db)
    pairs = []
    for serial, field, mv, conf in con.execute(
            "SELECT s.serial, a.field, a.machine_value, a.confidence FROM answers a "
            "JOIN sheets s ON s.id = a.sheet_id WHERE a.kind = 'text'"):
        value = json.loads(mv) if mv else None
        tf = truth.get(serial, {}).get(field)
        if not value or tf is None:
            continue
        pairs.append((conf or 0.0, same_text(value, tf.get("value"))))
    con.close()
    pairs.sort()
    rows, best = [], None
    for t in (0.0, 0.2, 0.4, 0.5, 0.6, 0.7, 0.8, 0.85, 0.9, 0.95):
        above = [ok for c, ok in pairs if c >= t]
        share = sum(above) / len(above) if above else float("nan")
        rows.append((t, len(above), share))
    for i in range(len(pairs)):
        above = [ok for _c, ok in pairs[i:]]
        if len(above) >= 10 and sum(above) / len(above) >= 0.95:
            best = pairs[i][0]
            break
    return rows, best


# ---- the scripted reviewer -----------------------------------------------------------------

class Reviewer:
    def __init__(self, page: Any, url: str, store: Any, settings: Any,
                 truth: dict[int, dict[str, Any]], use_directory: bool):
        self.page, self.url, self.store, self.settings = page, url, store, settings
        self.truth, self.use_directory = truth, use_directory
        self.tick_actions = 0
        self.chip_clicks = 0
        self.tick_items: set[int] = set()
        self.text = Counter()  # keys and chars, by kind of zone

    def item_on_page(self) -> Any:
        form = self.page.query_selector("#review-form")
        if form is None:
            return None
        item_id = int(form.get_attribute("action").rstrip("/").split("/")[-1])
        return self.store.review_item(item_id)

    def want(self, item: Any) -> Any:
        return expected(item.kind, self.truth[item.serial][item.field])

    def go(self, action: Any) -> None:
        with self.page.expect_navigation():
            action()

    def tick_one(self, item: Any) -> None:
        """One tick item on the one-at-a-time page: Enter to agree, else its number."""
        want = self.want(item)
        self.tick_items.add(item.id)
        agree = self.page.query_selector('[data-key="Enter"]')
        if agree is not None and item.machine_value == want:
            self.go(lambda: self.page.keyboard.press("Enter"))
        else:
            spec_field = self.store.spec_field(item.form, item.field)
            values = [v for _l, v in choices(item.kind, spec_field)]
            number = values.index(want) + 1
            self.go(lambda: self.page.keyboard.press(str(number)))
        self.tick_actions += 1

    def groups(self) -> None:
        self.page.goto(f"{self.url}/kiem-tra/nhom")
        while True:
            item = self.item_on_page()
            if item is not None and item.kind != "text":
                self.tick_one(item)  # a flipped choice row, right after its grid
                continue
            cells = self.page.query_selector_all(".cell")  # tick boxes and choice rows
            if cells:
                for cell in cells:
                    it = self.store.review_item(int(cell.get_attribute("data-item")))
                    self.tick_items.add(it.id)
                    # the reading the grid shows: the machine's, or its guess from the boxes
                    shown = json.loads(cell.query_selector(f'input[name="r{it.id}"]')
                                       .get_attribute("value"))
                    want = self.want(it)
                    if want != shown:
                        # a choice row: the chip of the right option; a tick box: a flip
                        chip = next((c for c in cell.query_selector_all(".chip") if json.loads(
                            c.query_selector("input").get_attribute("value")) == want), None)
                        (chip or cell).click()
                        self.chip_clicks += chip is not None
                        self.tick_actions += 1
                self.go(lambda: self.page.keyboard.press("Enter"))
                self.tick_actions += 1
                continue
            # all groups on pages of 30: one Enter for several questions
            link = self.page.query_selector("#all-groups")
            if link is None:
                break
            self.go(link.click)
            self.tick_actions += 1

    def ticks_one_at_a_time(self) -> None:
        self.page.goto(f"{self.url}/kiem-tra/?loai=o")
        self.tick_actions += 1  # the tab
        while (item := self.item_on_page()) is not None:
            self.tick_one(item)

    def name_plan(self, want: str) -> str | None:
        """The shortest run of letters (from the start of some word, accents left out) whose
        first suggestion is `want`, as the person would find by looking at the list."""
        names = known_names(self.store, self.settings, directory=self.use_directory)
        if nfc(want) not in {k.name for k in names}:
            return None  # not known, or known only with another spelling (case, typo)
        folded = fold(want)
        starts = [0] + [i + 1 for i, ch in enumerate(folded) if ch == " "]
        best = None
        for s in starts:
            for end in range(s + 1, len(folded) + 1):
                q = folded[s:end]
                if q.endswith(" "):
                    continue
                if best is not None and len(q) >= len(best):
                    break
                got = suggest(names, q, limit=1)
                if got and got[0].name == nfc(want):
                    best = q
                    break
        return best

    def transcribe(self) -> None:
        self.page.goto(f"{self.url}/kiem-tra/?loai=chu")
        self.text["tab_clicks"] += 1
        while (item := self.item_on_page()) is not None:
            want = self.want(item)
            box = self.page.locator("#review-text")
            zone = "name" if item.field == "to_chuc" else "other"
            if want is None:
                self.go(lambda: self.page.keyboard.press("Alt+t"))
                self.text["empty_keys"] += 1
                continue
            self.text[f"{zone}_chars"] += len(want)
            box.focus()
            plan = self.name_plan(want) if zone == "name" else None
            if plan is not None:
                self.page.keyboard.type(plan)
                self.page.wait_for_function(
                    "w => { const f = document.querySelector('#suggestions li.first');"
                    " return f && f.dataset.name === w; }", arg=want, timeout=10_000)
                self.page.keyboard.press("Tab")
                self.go(lambda: self.page.keyboard.press("Enter"))
                self.text[f"{zone}_keys"] += len(plan) + 2
                self.text[f"{zone}_picked"] += 1
                in_dir = "dir" if self.use_directory else "nodir"
                self.text[f"name_{in_dir}_known_keys"] += len(plan) + 2
                self.text[f"name_{in_dir}_known_chars"] += len(want)
            else:
                box.fill("")
                self.page.keyboard.insert_text(want)  # as typed; its Telex cost is counted
                self.text[f"{zone}_keys"] += telex_keys(want) + 1
                key = "Enter" if zone == "name" else "Control+Enter"
                self.go(lambda k=key: self.page.keyboard.press(k))
            self.text[f"{zone}_items"] += 1


def run(base: Path, work: Path, mode: str, truth: dict[int, dict[str, Any]]) -> dict[str, Any]:
    import logging

    from playwright.sync_api import sync_playwright

    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # no request log in the table

    from tests.web_helpers import PASSWORDS, start_server

    ws = work / mode
    if ws.exists():
        shutil.rmtree(ws)
    shutil.copytree(base, ws)
    settings = load_settings(ws)
    if mode == "group":
        src = work / "to_chuc.csv"
        src.write_text("Tên tổ chức;Mã số thuế\n" + "".join(
            f"{n};{t}\n" for n, t in directory_rows()), encoding="utf-8")
        import_directory(settings, src)
    server = start_server(settings)
    store = server.app.extensions["formkit"].store
    queue = store.review_queue()
    t0 = time.perf_counter()
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page(viewport={"width": 1366, "height": 900})
        page.set_default_timeout(20_000)
        page.goto(f"{server.url}/dang-nhap")
        page.fill("input[name=name]", "iso")
        page.fill("input[name=password]", PASSWORDS["iso"])
        page.click("button.primary")
        page.wait_for_url(f"{server.url}/")
        r = Reviewer(page, server.url, store, settings, truth, use_directory=mode == "group")
        if mode == "group":
            r.groups()
        r.ticks_one_at_a_time()
        r.transcribe()
        browser.close()
    wall = time.perf_counter() - t0
    after = {i.id: i for i in store.review_queue(pending_only=False)}
    errors = Counter()
    twice = 0
    for item in queue:
        done = after[item.id]
        want = expected(item.kind, truth[item.serial][item.field])
        got = done.corrected_value
        if done.status != "done":
            errors["pending"] += 1
        elif (item.kind == "text" and not same_text(got, want)) or (
                item.kind != "text" and got != want):
            errors[item.kind] += 1
        twice += len(store.review_decisions(item.id)) > 1
    server.stop()
    ticks = [i for i in queue if i.kind != "text"]
    return {"mode": mode, "items": len(queue), "ticks": len(ticks),
            "tick_seen": len(r.tick_items), "tick_actions": r.tick_actions,
            "chip_clicks": r.chip_clicks,
            "text": dict(r.text), "wall": wall, "errors": dict(errors), "twice": twice}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sheets", type=int, default=100)
    ap.add_argument("--seed", type=int, default=5)
    ap.add_argument("--level", default="light")
    ap.add_argument("--work", type=Path, default=None)
    ap.add_argument("--modes", default="group,single",
                    help="which reviews to run, comma-separated (group, single)")
    args = ap.parse_args()
    work = args.work or Path(tempfile.mkdtemp(prefix="review_effort_"))
    work.mkdir(parents=True, exist_ok=True)
    base = prepare(work, args.sheets, args.seed, args.level)
    truth = truth_by_serial(work)

    rows, best = prefill_threshold(base / "formkit.db", truth)
    print("\nOCR text right (exactly, NFC, spaces collapsed) by confidence")
    print(f"{'confidence ≥':>13} {'readings':>9} {'right':>7}")
    for t, n, share in rows:
        print(f"{t:>13.2f} {n:>9} {share:>7.1%}")
    print(f"lowest confidence with ≥ 95 % right (≥ 10 readings): "
          f"{'none' if best is None else f'{best:.3f}'}; T.text_prefill_confidence = "
          f"{T.text_prefill_confidence}")

    modes = [m for m in ("group", "single") if m in args.modes.split(",")]
    results = [run(base, work, mode, truth) for mode in modes]
    print(f"\nReview of {args.sheets} simulated sheets (level {args.level}, seed {args.seed}) "
          "in headless Chromium")
    head = (f"{'mode':<8} {'items':>6} {'ticks':>6} {'acts/tick':>10} {'keys/char':>10} "
            f"{'names':>6} {'k/c names':>10} {'k/c known':>10} {'wall s':>7} "
            f"{'errors':>7} {'twice':>6}")
    print(head)
    for r in results:
        tx = r["text"]
        chars = tx.get("name_chars", 0) + tx.get("other_chars", 0)
        keys = tx.get("name_keys", 0) + tx.get("other_keys", 0)
        known = "dir" if r["mode"] == "group" else "nodir"
        kc_known = (tx.get(f"name_{known}_known_keys", 0)
                    / max(1, tx.get(f"name_{known}_known_chars", 0)))
        print(f"{r['mode']:<8} {r['items']:>6} {r['ticks']:>6} "
              f"{r['tick_actions'] / max(1, r['ticks']):>10.2f} {keys / max(1, chars):>10.2f} "
              f"{tx.get('name_items', 0):>6} "
              f"{tx.get('name_keys', 0) / max(1, tx.get('name_chars', 0)):>10.2f} "
              f"{kc_known:>10.2f} {r['wall']:>7.0f} {sum(r['errors'].values()):>7} "
              f"{r['twice']:>6}")
    for r in results:
        print(f"{r['mode']}: tick actions {r['tick_actions']} for {r['ticks']} tick items "
              f"({r['chip_clicks']} option chips); text {r['text']}; "
              f"errors {r['errors'] or 0}")
    print("\nacts/tick: clicks + keys per tick item; keys/char: keystrokes (Telex) per "
          "character of transcribed text; k/c names: for the organisation field; k/c known: "
          "names taken from the suggestions (group: directory + earlier sheets; single: "
          "earlier sheets only).")
    print(f"work folder: {work}")


if __name__ == "__main__":
    main()
