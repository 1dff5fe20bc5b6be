"""Vietnamese wording for what the lower stages report in English: page outcomes and their
reasons, and the messages of formkit.errors. Presentation only: unknown texts are shown as
they are, so nothing is hidden from the office."""

from __future__ import annotations

from formkit.errors import FormkitError
from formkit.textnorm import reword, wording

OUTCOMES = {"read": "Đã đọc", "duplicate": "Trùng", "rejected": "Bị từ chối"}
JOB_STATES = {"queued": "Đang chờ", "running": "Đang đọc", "finished": "Đã xong",
              "failed": "Lỗi", "interrupted": "Bị gián đoạn"}

_REASONS = wording([
    (r"^blank page$", "Trang trắng."),
    (r"^the same image was already read in this batch$",
     "Ảnh trang này đã được đọc trong lô này (không tính hai lần)."),
    (r"^sheet (\d+) page (\d+) was already read.*$",
     r"Phiếu số \1, trang \2 đã được đọc trước đó (không tính hai lần)."),
    (r"^resolution too low \(about (\d+) dpi\).*$",
     r"Độ phân giải quá thấp (khoảng \1 dpi): quét lại ở 150–300 dpi."),
    (r"^no formkit QR code found.*$",
     "Không thấy mã QR của formkit: không phải biểu mẫu của formkit, hoặc mã QR (góc dưới "
     "bên phải) bị hỏng hay bị cắt. Nhập phiếu này bằng tay."),
    (r"^QR code is not a formkit page code (.*)$", r"Mã QR không phải mã trang formkit \1."),
    (r"^unknown layout version (\w+) \(form ([\w-]+), (\d+)\).*$",
     r"Phiếu in từ phiên bản biểu mẫu \1 (mẫu \2, năm \3) mà hệ thống chưa biết: chép tệp bố "
     r"cục của phiên bản đó vào exports/forms/layouts/."),
    (r"^page of form (\S+) \(not a survey sheet\).*$",
     r"Trang của biểu mẫu \1 (không phải phiếu khảo sát): ý kiến trong sổ được nhập ở mục "
     r"Sổ ghi nhận."),
    (r"^page (\d+) does not exist in layout (\w+)$", r"Bố cục \2 không có trang \1."),
    (r"^only (\d) of 4 registration marks found.*$",
     r"Chỉ thấy \1/4 dấu định vị: các câu trả lời của trang này có độ tin cậy thấp hơn."),
    (r"^image too large.*$", "Ảnh quá lớn (nghi là “bom giải nén”): quét ở 600 dpi trở xuống."),
    (r"^unreadable or truncated image.*$", "Ảnh không đọc được hoặc bị cắt cụt: quét lại."),
    (r"^unreadable or truncated PDF.*$", "PDF không đọc được hoặc bị cắt cụt: quét lại."),
    (r"^page cannot be rendered.*$", "Không dựng được trang PDF này: quét lại."),
    (r"^unsupported file type.*$", "Loại tệp không được hỗ trợ (chỉ PDF và ảnh)."),
    (r"^empty file \(0 bytes\).*$", "Tệp rỗng (0 byte), sao chép bị dở: chép hoặc quét lại."),
    (r"^a \.(doc|odt|rtf) document.*$",
     r"Tệp văn bản .\1: mở bằng Word hoặc LibreOffice, lưu thành .docx (hoặc xuất PDF) rồi "
     r"đọc tệp đó."),
    (r"^a \.(heic|heif) phone photo.*$",
     r"Ảnh điện thoại .\1: chuyển máy ảnh sang JPEG (Tương thích nhất) hoặc đổi ảnh sang "
     r"JPEG rồi đọc lại."),
    (r"^a \.\w* file that holds no page image.*$",
     "Tệp không chứa ảnh trang nào: bản quét phải là PDF, PNG, JPEG hoặc TIFF."),
    (r"^the scan is too coarse to read.*$", "Bản quét quá thô (dưới 50 dpi): quét lại."),
    (r"^no such file or folder$", "Không tìm thấy tệp."),
    (r"^internal error while reading: (.*)$", r"Lỗi nội bộ khi đọc trang (\1)."),
])


def reason_vn(reason: str | None) -> str:
    """A page's reason in Vietnamese when it is a known one, else as given."""
    text = (reason or "").strip()
    if not text:
        return ""
    worded = reword(text, _REASONS)
    return text if worded is None else worded


_ERRORS = wording([
    (r"^This entry is already in the register \(entry #(\d+)\).*$",
     r"Ý kiến này đã có trong sổ (mục #\1); không thêm lần nữa."),
    (r"^The feedback content \(Nội dung ý kiến\) is empty.*$",
     "Chưa nhập nội dung ý kiến."),
    (r"^Date \(Ngày tháng\): (.*) is in the future.*$",
     "Ngày tháng ở tương lai: ghi ngày đã tiếp nhận ý kiến."),
    (r"^Date \(Ngày tháng\): .*$",
     "Ngày tháng không hợp lệ: viết theo dạng dd/mm/yyyy, ví dụ 05/03/2026."),
    (r"^Unknown unit (.*) \(Đơn vị\).*$", r"Không có đơn vị \1 trong formkit.toml."),
    (r"^Unknown source (.*) \(Nguồn\).*$", r"Nguồn ý kiến \1 không hợp lệ."),
    (r"^Unknown status (.*) \(Tình trạng\).*$", r"Tình trạng \1 không hợp lệ."),
    (r"^Unknown opinion group (.*) \(Nhóm ý kiến\).*$", r"Nhóm ý kiến \1 không có."),
    (r"^There is no register entry #(\d+).*$", r"Không có mục #\1 trong sổ."),
    (r"^There is no review item (\d+).*$", r"Không có mục kiểm tra số \1."),
    (r"^.*is locked by another program or formkit process.*$",
     "Cơ sở dữ liệu đang bị chương trình khác khóa; chưa có gì thay đổi. Chờ một lát rồi "
     "thử lại."),
    (r"^.*must be kept until (\S+) \((\d+) years\); they may be disposed of from (\S+)\.$",
     r"Hồ sơ phải lưu đến \1 (\2 năm); chỉ được hủy từ \3."),
    (r"^Nothing to seal for (\d+).*$", r"Năm \1 chưa có tệp nào để niêm phong."),
    (r"^.* is already sealed; nothing was changed.*$",
     "Năm này đã được niêm phong; chưa thay đổi gì. Chọn “niêm phong lại” để lập lại."),
    (r"^.*has been disposed of; it cannot be sealed again.*$",
     "Hồ sơ năm này đã hủy theo biên bản; không niêm phong lại được."),
    (r"^.*LibreOffice.*not found.*$",
     "Không tìm thấy LibreOffice: chạy `make setup` trên máy chủ rồi thử lại."),
])


def error_vn(exc: BaseException) -> str:
    """The message of a formkit error in Vietnamese when known; otherwise the message and
    its hint as written (they already say what to do)."""
    if isinstance(exc, FormkitError):
        message, hint = exc.message, exc.hint
    else:
        message, hint = str(exc), ""
    worded = reword(message, _ERRORS)
    if worded is not None:
        return worded
    return f"{message} {('→ ' + hint) if hint else ''}".strip()
