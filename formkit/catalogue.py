"""Messages as codes: what formkit tells a person is a code plus parameters, worded here once.

Every page reason, field note, review reason and error is built with `say(code, **params)`.
The stored form is the code and its parameters (`Message.to_json`); every face (terminal,
web, workbook, report, JSON) renders it through `render`, in Vietnamese by default and in
English for scripts. No face words a message itself and nothing translates English text.

A catalogue entry is `code: (vietnamese, english)`; both are `str.format` templates over the
same parameter names (a test holds every entry to that and every code used to an entry).
Entries are grouped by the stage that says them: `page.*` the reader's page outcomes,
`note.*` its notes on a field, `error.*` the errors of `formkit.errors`, `hint.*` what to do.
"""

from __future__ import annotations

import json
import string
from dataclasses import dataclass, field
from typing import Any

from formkit.textnorm import nfc

Lang = str  # "vi" (the office) or "en" (scripts, logs)

#: code -> (Vietnamese template, English template). Append; a code once stored is never renamed.
CATALOGUE: dict[str, tuple[str, str]] = {
    # --- hints: what to do, appended to an error by its class -----------------------------
    "hint.internal": (
        "Đây là lỗi của chương trình: gửi thông báo này kèm tệp nhật ký cho người quản trị.",
        "This is a bug: report it with the log file."),
    "hint.config": (
        "Sửa tệp formkit.toml (hoặc chạy `formkit init --force` để tạo tệp mới).",
        "Fix formkit.toml (or run `formkit init --force` to write a fresh one)."),
    "hint.template": (
        "Sửa mẫu biểu mẫu nêu trên; mã và nhãn các trường có trong README.",
        "Fix the form template named above; field ids and labels are listed in the README."),
    "hint.input": (
        "Kiểm tra tệp: tệp có thể bị hỏng, khác loại, hoặc không phải biểu mẫu của formkit.",
        "Check the file: it may be damaged, of another kind, or not a formkit form."),
    "hint.external": (
        "Chạy `make setup` (cài LibreOffice và Tesseract) rồi thử lại.",
        "Run `make setup` (it installs LibreOffice and Tesseract), then try again."),
    "hint.output": (
        "Chọn thư mục được phép ghi, hoặc giải phóng dung lượng đĩa.",
        "Choose a folder you can write to, or free some disk space."),
    "hint.store": (
        "Đóng các chương trình khác đang dùng cơ sở dữ liệu rồi thử lại.",
        "Close other programs using the database and try again."),
    "hint.batch_incomplete": (
        "Xem báo cáo của lô để biết lý do của từng trang.",
        "See the batch report for each page's reason."),
    # --- free text: an error whose wording is not (yet) in the catalogue -----------------
    "text": ("{text}", "{text}"),
    # --- page.* and note.*: the reader's page outcomes and its notes on a field ----------
    # (section of the reader; append below this line)

    # --- error.store.*, error.accounts.*: the store and the accounts ----------------------
    # (section of the store; append below this line)

    # --- page.legacy.*, note.legacy.*: the reader of forms without marks -----------------
    # (section of the legacy reader; append below this line)
    "page.legacy.read_by_wording": (
        "đọc theo nội dung (không có mã QR của formkit: mẫu phiếu riêng của đơn vị); vị trí "
        "câu trả lời tìm theo chữ in, độ tin cậy thấp hơn",
        "read by its wording (no formkit QR code: the department's own form); answers "
        "located by text, with lower confidence"),
    "page.legacy.not_the_survey": (
        "không có mã QR của formkit và trang không đọc được là phiếu khảo sát BM.QT.SCT.05-02 "
        "(tìm thấy {found}/{total} tiêu đề và nhãn của phiếu): không phải trang phiếu, hoặc "
        "hỏng quá không đọc được; nếu đúng là phiếu, hãy nhập tay",
        "no formkit QR code, and the page does not read as the survey BM.QT.SCT.05-02 "
        "(found {found} of {total} of its headings and labels): not a survey page, or too "
        "damaged to read; enter it by hand if it is one"),
    "page.legacy.duplicate": (
        "cùng một tờ phiếu với {where}, được quét lại (phiếu không có số: nhận ra qua nét đánh "
        "dấu và chữ viết, giống {similarity}%); không tính hai lần",
        "the same sheet as {where} scanned again (no serial: recognised by the ink of its "
        "marks and writing, {similarity}% alike); not counted twice"),
    "note.legacy.possible_duplicate": (
        "có thể là bản quét lại của {where} (nét đánh dấu và chữ viết giống {similarity}%): "
        "kiểm tra, nếu trùng thì hủy một bản",
        "possibly a re-scan of {where} (marks and writing {similarity}% alike): check it, "
        "and discard one if they are the same sheet"),
    "note.legacy.wording_not_found": (
        "đọc theo nội dung: không tìm thấy chữ in của câu hỏi trên trang",
        "read by its wording: its printed wording was not found on the page"),
    "note.legacy.no_dotted_line": (
        "đọc theo nội dung: không thấy dòng chấm để ghi sau lời nhắc",
        "read by its wording: no dotted answer line found after its prompt"),
    "note.legacy.boxes_do_not_fit": (
        "đọc theo nội dung: các ô in không khớp với mẫu: {why}",
        "read by its wording: the printed boxes do not fit the form: {why}"),
    "note.legacy.no_box_beside": (
        "không thấy ô bên cạnh {labels}",
        "no box found beside {labels}"),
    "note.legacy.extra_boxes": (
        "{n} ô không nằm cạnh phương án nào",
        "{n} box(es) not beside any of its options"),
    "note.legacy.located_by_wording": (
        "vị trí ô tìm theo chữ in của mẫu",
        "boxes located by the form's wording"),
    "note.legacy.placed_from_rows": (
        "một ô được đặt theo các dòng khác của bảng (không thấy đường viền của ô)",
        "a box placed from the other rows (its outline was not found)"),
    "note.legacy.placed_box_empty": (
        "ô được đặt theo các dòng khác hoặc sau nhãn đọc là trống, nhưng không thấy đường "
        "viền của ô (có thể bị nét đánh dấu che): cần kiểm tra",
        "a box placed from the other rows or after its label reads empty, but its outline "
        "was not found (a mark may cover it): check it"),
    "note.legacy.placed_after_label": (
        "một ô được đặt ngay sau nhãn của nó (không thấy đường viền của ô)",
        "a box placed just after its label (its outline was not found)"),
    "note.legacy.box_moved": (
        "một ô được đo lệch xa chỗ tìm thấy nó (có thể đã đo nhầm chữ hoặc nét bên cạnh): "
        "cần kiểm tra",
        "a box was measured far from where it was found (a letter or stroke beside it may "
        "have been measured instead): check it"),
    "note.legacy.text_not_read": (
        "đọc theo nội dung: không đọc chữ viết (OCR tắt)",
        "read by its wording: text not read (OCR disabled)"),

    # --- error.*: every other error (config, input, forms, export, archive, web) ---------
    # (section of the other stages; append below this line)

}


@dataclass(frozen=True)
class Message:
    """A code and its parameters; rendered for a person by `render`."""

    code: str
    params: dict[str, Any] = field(default_factory=dict)

    def vi(self) -> str:
        return render(self, "vi")

    def en(self) -> str:
        return render(self, "en")

    def __str__(self) -> str:
        return render(self, "vi")

    def to_json(self) -> dict[str, Any]:
        """The stored form: code, parameters, and both texts for readers of the JSON."""
        return {"code": self.code, "params": dict(self.params),
                "vi": render(self, "vi"), "en": render(self, "en")}

    def dumps(self) -> str:
        """Compact form for a database column: code and parameters only."""
        return json.dumps({"code": self.code, "params": self.params},
                          ensure_ascii=False, sort_keys=True, default=str)


def say(code: str, **params: Any) -> Message:
    """The message `code` with its parameters. An unknown code is a bug: it fails here, where
    it is said, rather than later where a person would read it."""
    if code not in CATALOGUE:
        raise KeyError(f"message code {code!r} is not in formkit.catalogue.CATALOGUE")
    return Message(code, {k: (nfc(v) if isinstance(v, str) else v) for k, v in params.items()})


def render(message: Message | str | None, lang: Lang = "vi") -> str:
    """The message worded for a person (`vi`) or a script (`en`). A plain string (text stored
    before codes existed) is shown as it is, so nothing is hidden."""
    if message is None:
        return ""
    if isinstance(message, str):
        return nfc(message)
    vi, en = CATALOGUE.get(message.code, ("{code}", "{code}"))
    template = vi if lang == "vi" else en
    try:
        return nfc(template.format_map(_Lenient(message.params, code=message.code)))
    except (ValueError, IndexError):  # a malformed template is caught by the catalogue test
        return nfc(f"{message.code} {message.params}")


def loads(stored: str | None) -> Message | str | None:
    """A stored message back: JSON from `Message.dumps`, else the plain text as stored."""
    if not stored:
        return None
    if stored.startswith("{"):
        try:
            data = json.loads(stored)
        except ValueError:
            return stored
        if isinstance(data, dict) and "code" in data:
            return Message(str(data["code"]), dict(data.get("params") or {}))
    return stored


def placeholders(template: str) -> set[str]:
    """The parameter names a template uses (for the catalogue's own test)."""
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


class _Lenient(dict):
    """Parameters for format_map: a missing one shows as {name} instead of failing, so a
    message stored by an older version still renders."""

    def __init__(self, params: dict[str, Any], **extra: Any):
        super().__init__(params)
        self.update({k: v for k, v in extra.items() if k not in params})

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"
