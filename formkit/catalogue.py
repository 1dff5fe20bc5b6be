"""Messages as codes: what formkit tells a person is a code plus parameters, worded here once.

Every page reason, field note, review reason and error is built with `say(code, **params)`.
The stored form is the code and its parameters (`Message.to_json`); every face (terminal,
web, workbook, report, JSON) renders it through `render`, in Vietnamese by default and in
English for scripts. No face words a message itself and nothing translates English text.

A catalogue entry is `code: (vietnamese, english)`; both are `str.format` templates over the
same parameter names (a test holds every entry to that and every code used to an entry).
Entries are grouped by the stage that says them: `page.*` the reader's page outcomes,
`note.*` its notes on a field, `error.*` the errors of `formkit.errors`, `hint.*` what to do.

Size (over 500 lines): it is a table, one entry per message in two languages; the code
that renders them is the first 100 lines.
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
    "page.outcome.read": ("Đã đọc", "read"),
    "page.outcome.duplicate": ("Trùng", "duplicate"),
    "page.outcome.rejected": ("Bị từ chối", "rejected"),
    "page.batch_summary": (
        "{pages} trang: {read} đã đọc, {duplicate} trùng, {rejected} bị từ chối; {sheets} "
        "phiếu, {review} câu cần kiểm tra.",
        "{pages} page(s): {read} read, {duplicate} duplicate, {rejected} rejected; {sheets} "
        "sheet(s), {review} field(s) to review."),
    # pages: why a page was not read (or read with a reservation)
    "page.blank": ("Trang trắng.", "blank page"),
    "page.same_image": (
        "Ảnh trang này đã được đọc trong lô này (không tính hai lần).",
        "the same image was already read in this batch"),
    "page.sheet_read": (
        "Phiếu số {serial}, trang {page} đã được đọc trước đó (không tính hai lần).",
        "sheet {serial} page {page} was already read (not counted twice)"),
    "page.low_resolution": (
        "Độ phân giải quá thấp (khoảng {dpi} dpi): quét lại ở 150–300 dpi.",
        "resolution too low (about {dpi} dpi): scan at 150–300 dpi"),
    "page.no_qr": (
        "Không thấy mã QR của formkit: không phải biểu mẫu của formkit, hoặc mã QR (góc dưới "
        "bên phải) bị hỏng hay bị cắt. Nhập phiếu này bằng tay.",
        "no formkit QR code found: not a formkit form, or its QR code (bottom right) is "
        "damaged or cut off; enter this sheet by hand"),
    "page.bad_qr": (
        "Mã QR không phải mã trang formkit ({payload}).",
        "QR code is not a formkit page code ({payload})"),
    "page.unknown_layout": (
        "Phiếu in từ phiên bản biểu mẫu {layout} (mẫu {form}, năm {year}) mà hệ thống chưa "
        "biết: chép tệp bố cục của phiên bản đó vào exports/forms/layouts/.",
        "unknown layout version {layout} (form {form}, {year}): printed from a form version "
        "this workspace does not know; copy its layout file into exports/forms/layouts/"),
    "page.not_survey": (
        "Trang của biểu mẫu {form} (không phải phiếu khảo sát): ý kiến trong sổ được nhập ở "
        "mục Sổ ghi nhận.",
        "page of form {form} (not a survey sheet): register pages are entered with "
        "`formkit register add` or `import`"),
    "page.no_such_page": (
        "Bố cục {layout} không có trang {page}.",
        "page {page} does not exist in layout {layout}"),
    "page.few_marks": (
        "Chỉ thấy {found}/4 dấu định vị: các câu trả lời của trang này có độ tin cậy thấp hơn.",
        "only {found} of 4 registration marks found; answers on this page have lower "
        "confidence"),
    "page.too_coarse": (
        "Bản quét quá thô (dưới 50 dpi): quét lại.",
        "the scan is too coarse to read (under 50 dpi)"),
    "page.image_too_large": (
        "Ảnh quá lớn ({width}×{height} điểm ảnh; giới hạn {limit} điểm ảnh, nghi là “bom giải "
        "nén”): quét ở 600 dpi trở xuống.",
        "image too large ({width}×{height} px; the limit is {limit} pixels): scan at 600 dpi "
        "or less"),
    "page.image_file_too_large": (
        "Ảnh quá lớn (trên {limit} điểm ảnh, nghi là “bom giải nén”): quét ở 600 dpi trở "
        "xuống.",
        "image too large (over {limit} pixels): scan at 600 dpi or less"),
    "page.unreadable_image": (
        "Ảnh không đọc được hoặc bị cắt cụt ({detail}): quét lại.",
        "unreadable or truncated image ({detail}): scan it again"),
    "page.unreadable_pdf": (
        "PDF không đọc được hoặc bị cắt cụt ({detail}): xuất hoặc quét lại.",
        "unreadable or truncated PDF ({detail}): export or scan it again"),
    "page.pdf_gone": (
        "Không mở lại được tệp PDF ({detail}): chép lại tệp rồi đọc lại.",
        "the PDF could no longer be opened ({detail}): copy it again and read it again"),
    "page.cannot_render": (
        "Không dựng được trang PDF này ({detail}): quét lại.",
        "page cannot be rendered ({detail})"),
    "page.not_a_page": (
        "Không phải một trang: ảnh chỉ {width}×{height} điểm ảnh (một trang ít nhất {least} "
        "điểm ảnh mỗi cạnh): quét cả trang.",
        "not a page: the image is {width}×{height} px (a page is at least {least} px on each "
        "side); scan the whole page"),
    "page.strip": (
        "Không phải một trang: ảnh {width}×{height} điểm ảnh là một dải dài gấp {ratio} lần "
        "bề rộng: quét cả trang.",
        "not a page: the image is {width}×{height} px, a strip {ratio} times longer than "
        "wide; scan the whole page"),
    "page.word_document": (
        "Tệp văn bản {ext}: mở bằng Word hoặc LibreOffice, lưu thành .docx (hoặc xuất PDF) "
        "rồi đọc tệp đó.",
        "a {ext} document: open it in Word or LibreOffice, save it as .docx (or export a PDF) "
        "and read that file"),
    "page.phone_photo": (
        "Ảnh điện thoại {ext}: chuyển máy ảnh sang JPEG (Tương thích nhất) hoặc đổi ảnh sang "
        "JPEG rồi đọc lại.",
        "a {ext} phone photo: set the camera to JPEG (Most Compatible), or convert the photo "
        "to JPEG, and read it again"),
    "page.unsupported_type": (
        "Loại tệp {ext} không được hỗ trợ: formkit đọc PDF, PNG, JPEG, TIFF và DOCX.",
        "unsupported file type {ext}: formkit reads PDF, PNG, JPEG, TIFF and DOCX"),
    "page.empty_file": (
        "Tệp rỗng (0 byte), sao chép bị dở: chép hoặc quét lại.",
        "empty file (0 bytes): the copy was cut short; copy or scan it again"),
    "page.cannot_open": (
        "Không đọc được tệp ({detail}): kiểm tra tệp rồi đọc lại.",
        "cannot be read ({detail}): check the file and read it again"),
    "page.hidden_file": (
        "Tệp ẩn (tên bắt đầu bằng dấu chấm, như tệp thông tin của macOS): không đọc; đổi tên "
        "nếu đó là bản quét thật.",
        "hidden file (its name starts with a dot, as macOS metadata files do): not read; "
        "rename it if it is a real scan"),
    "page.no_such_path": ("Không tìm thấy tệp hay thư mục này.", "no such file or folder"),
    "page.same_file": (
        "Cùng một tệp với {name} (liên kết, hoặc một đường dẫn ghi hai lần): chỉ đọc một lần.",
        "same file as {name} (a link or the same path twice): read once"),
    "page.no_page_image": (
        "Tệp {ext} không chứa ảnh trang nào: bản quét phải là PDF, PNG, JPEG hoặc TIFF.",
        "a {ext} file that holds no page image: scans are PDF, PNG, JPEG or TIFF"),
    "page.docx_unavailable": (
        "Máy này chưa đọc được tệp DOCX.", "DOCX reading not available"),
    "page.unreadable_docx": (
        "Không đọc được tệp DOCX ({detail}).", "unreadable DOCX ({detail})"),
    "page.blank_form": (
        "Biểu mẫu trống: tệp này không có ô nào được đánh dấu hay chữ nào được viết (là tệp "
        "biểu mẫu để in, không phải phiếu đã trả lời).",
        "blank form: nothing is ticked or written in this file (the printable form, not a "
        "returned survey)"),
    "page.worker_stopped": (
        "Tiến trình đọc trang dừng giữa chừng khi đọc tệp này (mã thoát {exit_code}; tệp "
        "hỏng?): kiểm tra tệp rồi đọc lại.",
        "the reading process stopped while reading this file (exit code {exit_code}; a "
        "damaged file?): check the file and read it again"),
    # a cause on this computer, not in the page: the next run reads the page again
    # (formkit.store's is_local_rejection knows the "page.local." prefix)
    "page.local.internal_error": (
        "Lỗi nội bộ khi đọc trang ({detail}).", "internal error while reading: {detail}"),
    # reasons the store writes when it files a page (for formkit/store's batches; the store
    # helper switches its English texts to these)
    "page.stored.same_copy": (
        "Cùng bản phiếu với phiếu {sheet} đã lưu ở lô {batch} (không tính hai lần).",
        "same copy as sheet {sheet}, stored by batch {batch}"),
    "page.stored.read_later": (
        "Đã đọc được ở lô {batch} (trước đó: {before}).",
        "read by batch {batch}; before: {before}"),
    "page.stored.completes": (
        "Trang còn thiếu của phiếu {sheet}.", "completes sheet {sheet}"),
    # notes: the reader's doubts about one field
    "note.boxes.ticked": ("Ô được đánh dấu: {boxes}.", "ticked: {boxes}"),
    "note.boxes.unclear": ("Ô chưa rõ: {boxes}.", "unclear box: {boxes}"),
    "note.boxes.pale": ("Vết mờ ở ô: {boxes}.", "pale trace in {boxes}"),
    "note.boxes.filled": ("Ô tô kín (coi là hủy): {boxes}.", "cancelled by filling: {boxes}"),
    "note.boxes.other_mark": (
        "Ngoài ô đã đánh dấu còn có nét vẽ cạnh lựa chọn {boxes}.",
        "another mark outside the boxes by {boxes}"),
    "note.boxes.stray": (
        "Có nét vẽ ngoài ô ({area} mm²), cạnh lựa chọn {boxes} (khoanh tròn, đánh dấu bên "
        "cạnh hay gạch chân?).",
        "mark outside the boxes by {boxes} ({area} mm²): circled, ticked beside or "
        "underlined?"),
    "note.stray_nowhere": (
        "Có nét vẽ trong câu hỏi nhưng ngoài các ô ({area} mm²), không rõ chọn ô nào.",
        "ink in the question outside its boxes ({area} mm²), by no single option"),
    "note.circled": ("Ô trả lời được khoanh tròn.", "answer circled"),
    "note.lone_fill": (
        "Dấu duy nhất là một ô tô kín: người trả lời hủy, hay tô ô để chọn?",
        "the only mark is a filled box: cancelled, or filled in as the answer?"),
    "note.noisy_page": (
        "Trang nhiều vết nhiễu: không chắc là ô không có dấu bút chì mờ.",
        "page too noisy to be sure no pale mark is there"),
    "note.pale_page": (
        "{count} câu khác trên trang này chỉ có vết mờ: ô này có thể có dấu quá mờ.",
        "{count} other answers on this page are pale traces: a mark here may be too pale "
        "to see"),
    "note.flag_unclear": (
        "Ô không rõ là có đánh dấu hay để trống.",
        "the box is neither clearly ticked nor empty"),
    "note.not_measured": ("Chưa đo được.", "not measured"),
    "note.condition.contradiction": (
        "Có trả lời dù câu {condition} = {value} (chỉ hỏi khi {wanted}).",
        "answered although {condition} = {value} (asked only if {wanted})"),
    "note.condition.unsettled": (
        "Có trả lời, nhưng câu {condition} (chỉ hỏi khi {wanted}) chưa đọc rõ ({status}): "
        "kiểm tra cả hai câu.",
        "answered, but {condition} (asked only if {wanted}) is {status}: check both"),
    "note.condition.implied": (
        "Có trả lời dù câu {condition} để trống (ngầm hiểu {condition} = {wanted}).",
        "answered while {condition} is blank (implies {condition} = {wanted})"),
    "note.page_missing": ("Thiếu trang này trong lô quét.", "page missing from the batch"),
    "note.ocr_off": ("Chưa đọc chữ viết (đã tắt OCR).", "text not read (OCR disabled)"),
    "note.text.outside": ("Vùng viết nằm ngoài ảnh quét.", "the zone lies outside the scan"),
    "note.text.ink": ("Tỷ lệ mực {ink}", "ink {ink}"),
    "note.text.marks_only": ("Có vài nét nhưng không có chữ.", "marks but no text"),
    "note.text.no_text": (
        "Có chữ viết nhưng máy không nhận ra chữ nào.", "no text recognised"),
    "note.doubts": ("Máy đọc chữ không chắc: {doubts}.", "OCR doubts: {doubts}"),
    "note.doubt.no_words": ("không có từ nào", "no words"),
    "note.doubt.not_vietnamese": (
        "{count} từ có ký tự không phải chữ Việt", "not a Vietnamese letter ×{count}"),
    "note.doubt.not_syllable": (
        "{count} từ không phải âm tiết tiếng Việt", "not a syllable ×{count}"),
    "note.doubt.symbol": ("{count} ký hiệu lạ", "symbol ×{count}"),
    "note.doubt.unsure_word": ("{count} từ máy đọc không chắc", "unsure word ×{count}"),
    "note.doubt.mixed_case": ("{count} từ lẫn chữ hoa và chữ thường", "mixed case ×{count}"),
    "note.doubt.capitals": (
        "{count} từ viết hoa giữa câu chữ thường", "capitals inside lower-case text ×{count}"),
    "note.doubt.fragment": ("{count} mảnh từ bị tách rời", "fragment ×{count}"),
    "note.doubt.letters_digits": ("{count} từ lẫn chữ và số", "letters and digits mixed ×{count}"),
    "note.doubt.sparse": (
        "chỉ {chars} ký tự cho {mm} mm chữ viết (có thể sót chữ)",
        "{chars} characters for {mm} mm of writing"),
    "note.digital.shaded": ("Ô {boxes} được tô màu.", "{boxes}: shaded"),
    "note.digital.shaded_text": (
        "Ô {boxes} được tô màu, có ghi “{text}”.", "{boxes}: shaded, {text!r}"),
    "note.digital.holds": ("Ô {boxes} có ghi “{text}”.", "{boxes}: the box holds {text!r}"),
    "note.digital.symbol": (
        "Ô {boxes} có một ký hiệu lạ.", "{boxes}: an unknown symbol in the box"),

    # --- error.store.*, error.accounts.*: the store and the accounts ----------------------
    # (section of the store; append below this line)
    "error.accounts.name_taken": (
        "Tài khoản “{name}” đã có; không tạo thêm.",
        "The account “{name}” exists already; nothing was created."),
    "error.accounts.name_taken.hint": (
        "Chọn tên khác, hoặc đặt lại mật khẩu của tài khoản đó.",
        "Choose another name, or set a new password for that account."),
    "error.accounts.no_user": (
        "Không có tài khoản số {id}.",
        "There is no account number {id}."),
    "error.accounts.last_admin_role": (
        "Đây là quản trị viên cuối cùng; không đổi vai trò được.",
        "This is the last administrator; the role cannot be changed."),
    "error.accounts.last_admin_role.hint": (
        "Tạo hoặc cấp quyền quản trị cho người khác trước.",
        "Create another administrator, or give someone else the admin role, first."),
    "error.accounts.last_admin_lock": (
        "Đây là quản trị viên cuối cùng; không khóa được.",
        "This is the last administrator; the account cannot be locked."),
    "error.accounts.last_admin_lock.hint": (
        "Cấp quyền quản trị cho người khác trước.",
        "Give someone else the admin role first."),
    "error.accounts.bad_name": (
        "Tên đăng nhập chỉ gồm chữ không dấu, số, dấu chấm, gạch nối; 2–40 ký tự "
        "(ví dụ: lan.nguyen).",
        "A login name has letters without accents, digits, dots and hyphens; 2–40 "
        "characters (e.g. lan.nguyen)."),
    "error.accounts.bad_role": (
        "Vai trò không hợp lệ: {role!r}.",
        "Not a role: {role!r}."),
    "error.accounts.bad_role.hint": (
        "Chọn: {roles}.",
        "Choose: {roles}."),
    "error.store.directory.no_names": (
        "{file}: không thấy tên tổ chức nào dưới dòng tiêu đề.",
        "{file}: no organisation names found under the header."),
    "error.store.directory.no_names.hint": (
        "Cột tên có tiêu đề 'Tên tổ chức' (hoặc 'Tên').",
        "The name column is headed 'Tên tổ chức' (or 'Tên')."),
    "error.store.directory.damaged": (
        "Danh bạ tổ chức {path} bị hỏng ({text}).",
        "The directory of organisations {path} is damaged ({text})."),
    "error.store.directory.damaged.hint": (
        "Nhập lại tệp XLSX/CSV (formkit directory import TỆP).",
        "Import the XLSX/CSV again (formkit directory import FILE)."),
    "error.store.backup.backend": (
        "formkit sao lưu cơ sở dữ liệu SQLite và PostgreSQL, không sao lưu {backend}.",
        "formkit backs up SQLite and PostgreSQL databases, not {backend}."),
    "error.store.backup.backend.hint": (
        "Dùng công cụ sao lưu riêng của cơ sở dữ liệu đó.",
        "Use that database's own backup tool."),
    "error.store.backup.exists": (
        "{target} đã có; bản sao lưu không bao giờ ghi đè lên tệp.",
        "{target} already exists; a backup never overwrites a file."),
    "error.store.backup.exists.hint": (
        "Ghi tên tệp khác với --out.",
        "Give another file name with --out."),
    "error.store.backup.no_folder": (
        "Không tạo được thư mục {folder}: {text}.",
        "Cannot create the folder {folder}: {text}."),
    "error.store.backup.nothing": (
        "Chưa có cơ sở dữ liệu ở {path}: không có gì để sao lưu.",
        "There is no database at {path} yet: nothing to back up."),
    "error.store.backup.failed": (
        "Sao lưu {source} không thành công ({text}).",
        "The backup of {source} failed ({text})."),
    "error.store.backup.failed.hint": (
        "Kiểm tra dung lượng đĩa còn trống rồi sao lưu lại.",
        "Check the free disk space, then run the backup again."),
    "error.store.backup.foreign": (
        "{path} không phải cơ sở dữ liệu của formkit ({text}).",
        "{path} is not a formkit database ({text})."),
    "error.store.backup.foreign.hint": (
        "Chọn một tệp do `formkit backup` tạo ra.",
        "Choose a file written by `formkit backup`."),
    "error.store.backup.damaged": (
        "{path} bị hỏng ({text}).",
        "{path} is damaged ({text})."),
    "error.store.backup.damaged.hint": (
        "Chọn một bản sao lưu khác.",
        "Choose another backup."),
    "error.store.backup.newer": (
        "{path} có phiên bản lược đồ {version}; formkit này chỉ đọc đến {known}.",
        "{path} has schema version {version}; this formkit reads up to {known}."),
    "error.store.backup.newer.hint": (
        "Cập nhật formkit, hoặc chọn bản sao lưu khác.",
        "Update formkit, or choose another backup."),
    "error.store.backup.not_file": (
        "{source} không phải một tệp.",
        "{source} is not a file."),
    "error.store.backup.not_file.hint": (
        "Ghi đường dẫn của một tệp sao lưu.",
        "Give the path of a backup file."),
    "error.store.backup.not_dump": (
        "{source} không phải bản sao lưu PostgreSQL (định dạng custom của pg_dump).",
        "{source} is not a PostgreSQL backup (pg_dump custom format)."),
    "error.store.backup.not_dump.hint": (
        "Chọn một tệp .dump do `formkit backup` tạo ra.",
        "Choose a .dump file written by `formkit backup`."),
    "error.store.backup.restore_failed": (
        "Khôi phục {source} vào {path} không thành công ({text}); cơ sở dữ liệu không thay đổi.",
        "Restoring {source} into {path} failed ({text}); the database is unchanged."),
    "error.store.backup.restore_failed.hint": (
        "Dừng các tiến trình formkit khác rồi thử lại.",
        "Stop formkit's other processes and try again."),
    "error.store.actions.missing": (
        "Chưa có {what}.",
        "{what} is missing."),
    "error.store.actions.bad_date": (
        "{what} không hợp lệ: {text}.",
        "{what}: {text}."),
    "error.store.actions.empty": (
        "Chưa ghi {what}; chưa lưu gì.",
        "{what} is empty; nothing was saved."),
    "error.store.actions.empty.hint": (
        "Một hành động khắc phục cần có vấn đề, biện pháp, người thực hiện và thời hạn "
        "(QT.SCT.04).",
        "A corrective action needs its problem, action, owner and due date (QT.SCT.04)."),
    "error.store.actions.not_criterion": (
        "{field!r} không phải một tiêu chí được đánh giá của phiếu khảo sát.",
        "{field!r} is not a rated criterion of the survey."),
    "error.store.actions.one_origin": (
        "Một hành động khắc phục được mở từ một mục trong sổ hoặc một tiêu chí của phiếu khảo "
        "sát (chỉ một trong hai).",
        "A corrective action is opened from one register entry or one survey criterion (not "
        "both, not neither)."),
    "error.store.actions.one_origin.hint": (
        "Ghi --entry N hoặc --criterion TRƯỜNG.",
        "Give --entry N or --criterion FIELD."),
    "error.store.actions.due_before": (
        "Thời hạn {due} sớm hơn ngày mở hành động ({opened}).",
        "The due date {due} is before the day the action is opened ({opened})."),
    "error.store.actions.due_before.hint": (
        "Kiểm tra lại thời hạn.",
        "Check the due date."),
    "error.store.actions.no_entry": (
        "Không có mục #{id} trong sổ (hoặc mục đã bị hủy).",
        "There is no register entry #{id} (or it was voided)."),
    "error.store.actions.cannot_change": (
        "Không sửa được {fields} của một hành động khắc phục.",
        "Cannot change {fields} of a corrective action."),
    "error.store.actions.cannot_change.hint": (
        "Sửa được: {allowed}.",
        "Changeable: {allowed}."),
    "error.store.actions.already_closed": (
        "Hành động khắc phục #{id} đã đóng ngày {on}; không thay đổi gì.",
        "Corrective action #{id} was already closed on {on}; nothing changed."),
    "error.store.actions.close_before": (
        "Hành động #{id} mở ngày {opened}; không thể đóng trước đó, vào ngày {day}.",
        "Action #{id} was opened on {opened}; it cannot close before, on {day}."),
    "error.store.actions.no_action": (
        "Không có hành động khắc phục #{id}.",
        "There is no corrective action #{id}."),
    "error.store.actions.no_action.hint": (
        "Xem danh sách bằng `formkit actions list`.",
        "List them with `formkit actions list`."),
    "error.store.actions.unknown_status": (
        "Tình trạng hành động {status!r} không hợp lệ.",
        "Unknown action status {status!r}."),
    "error.store.directory.bad_workbook": (
        "Không đọc được sổ làm việc {path}: {text}.",
        "Cannot read the workbook {path}: {text}."),
    "error.store.directory.bad_workbook.hint": (
        "Lưu lại từ Excel thành .xlsx rồi thử lại.",
        "Save it again from Excel as .xlsx and retry."),
    "error.store.directory.kind": (
        "{file}: danh bạ tổ chức phải là tệp .xlsx hoặc .csv.",
        "{file}: a directory of organisations must be .xlsx or .csv."),
    "error.store.directory.kind.hint": (
        "Xuất danh sách từ Excel thành .xlsx hoặc CSV (UTF-8).",
        "Export the list from Excel as .xlsx or CSV (UTF-8)."),
    "error.store.directory.no_file": (
        "Không có tệp {path}.",
        "There is no file {path}."),
    "error.store.directory.no_file.hint": (
        "Kiểm tra đường dẫn rồi thử lại.",
        "Check the path and try again."),
    "error.store.directory.empty": (
        "{file} không có tên nào.",
        "{file} holds no names."),
    "error.store.directory.empty.hint": (
        "Mỗi dòng một tổ chức: tên, rồi mã số thuế.",
        "Put one organisation per row: name, then tax code."),
    "error.store.register.bad_columns": (
        "--columns {part!r}: viết CỘT=CHỖ, với CỘT là một trong {columns} và CHỖ là một chữ "
        "cái (B), một số (2) hoặc chữ ở dòng tiêu đề.",
        "--columns {part!r}: write COLUMN=WHERE with COLUMN one of {columns} and WHERE a "
        "letter (B), a number (2) or the header text."),
    "error.store.file_not_found": (
        "{path}: không tìm thấy tệp.",
        "{path}: file not found."),
    "error.store.file_unreadable": (
        "{path}: không đọc được tệp ({text}).",
        "{path}: cannot be read ({text})."),
    "error.store.sheetfile.password": (
        "{file} được đặt mật khẩu nên formkit không đọc được. Chưa nhập gì.",
        "{file} is protected with a password, so formkit cannot read it. Nothing was imported."),
    "error.store.sheetfile.password.hint": (
        "Mở tệp bằng Excel hoặc LibreOffice, bỏ mật khẩu (Tệp → Thông tin → Bảo vệ sổ làm việc "
        "/ Lưu thành không mật khẩu) rồi nhập bản đã lưu.",
        "Open it in Excel or LibreOffice, remove the password (File → Info → Protect Workbook "
        "/ Save As without password) and import the saved copy."),
    "error.store.sheetfile.old_xls": (
        "{file} là tệp Excel 97–2003 (.xls) cũ hoặc tệp Office nhị phân khác. Chưa nhập gì.",
        "{file} is an old Excel 97–2003 (.xls) or other Office binary file. Nothing was "
        "imported."),
    "error.store.sheetfile.old_xls.hint": (
        "Mở tệp bằng Excel hoặc LibreOffice, lưu thành .xlsx (hoặc .csv UTF-8) rồi nhập tệp đó.",
        "Open it in Excel or LibreOffice and save it as .xlsx (or .csv UTF-8), then import "
        "that file."),
    "error.store.sheetfile.ods": (
        "{file} là bảng tính OpenDocument (.ods). Chưa nhập gì.",
        "{file} is an OpenDocument spreadsheet (.ods). Nothing was imported."),
    "error.store.sheetfile.ods.hint": (
        "Lưu thành .xlsx (Excel 2007-365) hoặc .csv (UTF-8) rồi nhập tệp đó.",
        "Save it as .xlsx (Excel 2007-365) or .csv (UTF-8) and import that."),
    "error.store.sheetfile.bad_zip": (
        "{file} bị hỏng hoặc không phải sổ làm việc Excel (vỏ nén zip không đầy đủ). Chưa nhập "
        "gì.",
        "{file} is damaged or is not an Excel workbook (the zip container is incomplete). "
        "Nothing was imported."),
    "error.store.sheetfile.bad_zip.hint": (
        "Mở tệp bằng Excel hoặc LibreOffice; nếu mở được, lưu lại thành .xlsx. Nếu không, dùng "
        "bản tốt gần nhất.",
        "Open it in Excel or LibreOffice; if it opens, save it again as .xlsx. Otherwise take "
        "the last good copy."),
    "error.store.sheetfile.not_xlsx": (
        "{file} bị hỏng hoặc không phải sổ làm việc Excel (nội dung không bắt đầu như một sổ "
        "Excel). Chưa nhập gì.",
        "{file} is damaged or is not an Excel workbook (its content does not start like one). "
        "Nothing was imported."),
    "error.store.sheetfile.not_xlsx.hint": (
        "Mở tệp bằng Excel hoặc LibreOffice rồi lưu lại thành .xlsx, hoặc dùng bản tốt gần "
        "nhất.",
        "Open it in Excel or LibreOffice and save it again as .xlsx, or take the last good "
        "copy."),
    "error.store.sheetfile.cannot_open": (
        "Không mở được {file} như một sổ làm việc ({kind}: {text}). Chưa nhập gì.",
        "{file} cannot be opened as a workbook ({kind}: {text}). Nothing was imported."),
    "error.store.sheetfile.save_again_xlsx": (
        "Mở tệp bằng Excel hoặc LibreOffice rồi lưu lại thành .xlsx.",
        "Open it in Excel or LibreOffice and save it again as .xlsx."),
    "error.store.sheetfile.bad_sheet": (
        "{file}: không đọc được một trang tính ({text}). Chưa nhập gì.",
        "{file}: a sheet cannot be read ({text}). Nothing was imported."),
    "error.store.sheetfile.save_again": (
        "Mở tệp bằng Excel hoặc LibreOffice rồi lưu lại.",
        "Open it in Excel or LibreOffice and save it again."),
    "error.store.sheetfile.encoding": (
        "{file} không phải văn bản UTF-8 hay Windows-1258. Chưa nhập gì.",
        "{file} is neither UTF-8 nor Windows-1258 text. Nothing was imported."),
    "error.store.sheetfile.encoding.hint": (
        "Lưu thành “CSV UTF-8” trong Excel, hoặc thành .xlsx.",
        "Save it as “CSV UTF-8” in Excel, or as .xlsx."),
    "error.store.sheetfile.not_text": (
        "{file} không phải tệp văn bản (CSV). Chưa nhập gì.",
        "{file} is not a text (CSV) file. Nothing was imported."),
    "error.store.sheetfile.not_text.hint": (
        "Nhập một tệp .xlsx hoặc CSV (UTF-8).",
        "Import an .xlsx or a CSV (UTF-8) file."),
    "error.store.sheetfile.bad_csv": (
        "{file}: không phải CSV hợp lệ ({text}). Chưa nhập gì.",
        "{file}: not valid CSV ({text}). Nothing was imported."),
    "error.store.register.no_header": (
        "{file} không giống Sổ ghi nhận ý kiến: trong {rows} dòng đầu của {sheets} không có "
        "dòng nào mang tiêu đề các cột. Cần có: {expected}. Chưa nhập gì.",
        "{file} does not look like a register (Sổ ghi nhận ý kiến): no row in the first {rows} "
        "rows of {sheets} has the column headers. Expected: {expected}. Nothing was imported."),
    "error.store.register.no_header.hint": (
        "Kiểm tra dòng tiêu đề dùng các tên này (có dấu hay không, chữ hoa hay thường đều "
        "được), hoặc chỉ chỗ các cột, ví dụ --columns \"ngay=A,khach_hang=B,noi_dung=C\".",
        "Check that the header row uses these names (any accents or capitals), or say where "
        "the columns are, e.g. --columns \"ngay=A,khach_hang=B,noi_dung=C\"."),
    "error.store.register.bad_rows": (
        "{file} (trang tính “{sheet}”): {count} dòng không nhập được, nên chưa nhập "
        "gì:\n{rows}\nCột: {columns}",
        "{file} (sheet “{sheet}”): {count} row(s) cannot be imported, so nothing was "
        "imported:\n{rows}\nColumns: {columns}"),
    "error.store.register.bad_rows.hint": (
        "Sửa các dòng này trong tệp rồi nhập lại, hoặc nhập các dòng tốt với --skip-bad.",
        "Correct these rows in the file and import it again, or import the good rows "
        "with --skip-bad."),
    "error.store.register.unknown_source": (
        "Nguồn ý kiến {typed!r} không hợp lệ.",
        "Unknown source {typed!r} (Nguồn)."),
    "error.store.register.use_one_of": (
        "Dùng một trong: {known}",
        "Use one of: {known}"),
    "error.store.register.unknown_status": (
        "Tình trạng {typed!r} không hợp lệ.",
        "Unknown status {typed!r} (Tình trạng)."),
    "error.store.register.unknown_status.hint": (
        "Ghi “Đã xử lý” hoặc “Chưa xử lý”.",
        "Use “Đã xử lý” (handled) or “Chưa xử lý” (pending)."),
    "error.store.register.unknown_unit": (
        "Không có đơn vị {typed!r} trong formkit.toml.",
        "Unknown unit {typed!r} (Đơn vị)."),
    "error.store.register.unknown_unit.hint": (
        "Dùng một đơn vị có trong formkit.toml: {known}.",
        "Use a unit of formkit.toml: {known}."),
    "error.store.register.bad_date": (
        "Ngày tháng không hợp lệ: {text}.",
        "Date (Ngày tháng): {text}."),
    "error.store.register.bad_date.hint": (
        "Viết theo dạng dd/mm/yyyy, ví dụ 05/03/2026.",
        "Write the date as dd/mm/yyyy, e.g. 05/03/2025."),
    "error.store.register.no_content": (
        "Chưa nhập nội dung ý kiến.",
        "The feedback content (Nội dung ý kiến) is empty."),
    "error.store.register.duplicate": (
        "Ý kiến này đã có trong sổ (mục #{id}); không thêm lần nữa.",
        "This entry is already in the register (entry #{id}); nothing was added."),
    "error.store.register.duplicate.hint": (
        "Xem mục đó bằng `formkit register list`, hoặc sửa lại nếu đây là một ý kiến khác.",
        "List it with `formkit register list`, or change the entry if it is a different piece "
        "of feedback."),
    "error.store.register.no_entry": (
        "Không có mục #{id} trong sổ.",
        "There is no register entry #{id}."),
    "error.store.register.no_entry.hint": (
        "Xem danh sách bằng `formkit register list`.",
        "List the entries with `formkit register list`."),
    "error.store.register.same_as": (
        "Sau khi sửa, mục #{id} sẽ trùng với mục #{other}; chưa thay đổi gì.",
        "After this change entry #{id} would be the same as entry #{other}; nothing was "
        "changed."),
    "error.store.register.same_as.hint": (
        "Kiểm tra hai mục; hủy một mục nếu cần.",
        "Check the two entries; remove one if needed."),
    "error.store.register.unknown_group": (
        "Nhóm ý kiến {typed!r} không có.",
        "Unknown opinion group {typed!r} (Nhóm ý kiến)."),
    "error.store.register.unknown_group.hint": (
        "Dùng một trong: {known}. Các nhóm có trong {source}.",
        "Use one of: {known}. Groups are listed in {source}."),
    "error.store.register.bad_handled_date": (
        "Ngày xử lý không hợp lệ: {text}.",
        "Handled on (Ngày xử lý): {text}."),
    "error.store.register.bad_handled_date.hint": (
        "Viết ngày theo dạng dd/mm/yyyy.",
        "Write the date as dd/mm/yyyy."),
    "error.store.register.handled_before": (
        "Mục #{id} được tiếp nhận ngày {received}; không thể đã xử lý trước đó, vào ngày "
        "{handled}.",
        "Entry #{id} was received on {received}; it cannot have been handled before, on "
        "{handled}."),
    "error.store.register.handled_before.hint": (
        "Kiểm tra lại ngày xử lý.",
        "Check the date handled."),
    "error.store.register.void_reason": (
        "Ghi lý do hủy mục (ít nhất 5 ký tự).",
        "Give the reason for voiding the entry (at least 5 characters)."),
    "error.store.register.void_reason.hint": (
        "Ví dụ: “Ghi trùng với mục #12”.",
        "e.g. “Ghi trùng với mục #12”."),
    "error.store.register.already_voided": (
        "Mục #{id} đã bị hủy ngày {on} bởi {by}; không thay đổi gì.",
        "Entry #{id} was already voided on {on} by {by}; nothing changed."),
    "error.store.database": (
        "Lỗi cơ sở dữ liệu {where}: {text}.",
        "Database error in {where}: {text}."),
    "error.store.path_is_folder": (
        "Đường dẫn cơ sở dữ liệu {path} là một thư mục.",
        "The database path {path} is a folder."),
    "error.store.path_is_folder.hint": (
        "Ghi một tên tệp ở mục [paths] database trong formkit.toml.",
        "Point [paths] database in formkit.toml at a file name."),
    "error.store.cannot_open": (
        "Không mở được cơ sở dữ liệu {where}: {text}.",
        "Cannot open the database {where}: {text}."),
    "error.store.bad_url": (
        "Địa chỉ cơ sở dữ liệu {url!r} không phải một URL SQLAlchemy hợp lệ.",
        "The database address {url!r} is not a valid SQLAlchemy URL."),
    "error.store.bad_url.hint": (
        "Sửa mục [paths] database trong formkit.toml, ví dụ database = "
        "\"sqlite:///formkit.db\".",
        "Fix [paths] database in formkit.toml, e.g. database = \"sqlite:///formkit.db\"."),
    "error.store.no_driver": (
        "Không có trình điều khiển cho cơ sở dữ liệu {url}: {text}.",
        "No database driver for {url}: {text}."),
    "error.store.no_driver.hint": (
        "Cài trình điều khiển cho loại cơ sở dữ liệu đó, hoặc dùng tệp SQLite mặc định.",
        "Install the driver for that database, or use the default SQLite file."),
    "error.store.no_folder": (
        "Không tạo được thư mục của cơ sở dữ liệu {path}: {text}.",
        "Cannot create the folder of the database {path}: {text}."),
    "error.store.no_folder.hint": (
        "Kiểm tra mục [paths] database trong formkit.toml và quyền ghi của thư mục.",
        "Check [paths] database in formkit.toml and the folder's permissions."),
    "error.store.locked": (
        "Cơ sở dữ liệu {where} đang bị chương trình khác khóa ({text}); chưa có gì thay "
        "đổi. Chờ một lát rồi thử lại.",
        "The database {where} is locked by another program or formkit process ({text}). "
        "Nothing was changed."),
    "error.store.locked.hint": (
        "Chờ lệnh formkit kia chạy xong (hoặc đóng chương trình đang mở cơ sở dữ liệu), "
        "rồi chạy lại lệnh.",
        "Wait until the other formkit command has finished (or close the program that has the "
        "database open), then run the command again."),
    "error.store.damaged": (
        "Cơ sở dữ liệu {where} bị hỏng hoặc không phải cơ sở dữ liệu của formkit ({text}). "
        "Chưa có gì thay đổi.",
        "The database {where} is damaged or is not a formkit database ({text}). Nothing was "
        "changed."),
    "error.store.damaged.hint": (
        "Khôi phục cơ sở dữ liệu từ bản sao lưu gần nhất, hoặc ghi tệp khác ở mục [paths] "
        "database trong formkit.toml. Giữ lại tệp hỏng để kiểm tra.",
        "Restore the database from the latest backup, or point [paths] database in "
        "formkit.toml at another file. Keep the damaged file for inspection."),
    "error.store.read_only": (
        "Không mở được cơ sở dữ liệu {where} để ghi ({text}).",
        "The database {where} cannot be opened for writing ({text})."),
    "error.store.read_only.hint": (
        "Kiểm tra thư mục có tồn tại và được phép ghi.",
        "Check that the folder exists and that you may write to it."),
    "error.store.disk_full": (
        # the opening words as fsutil's full-disk errors (and LOCAL_REASONS) have them
        "Không đủ chỗ trên đĩa / no space left: không ghi được cơ sở dữ liệu {where}; thư mục "
        "{folder} chỉ còn trống {free}. Không có gì bị lưu dở (giao dịch đã được hủy).",
        "Không đủ chỗ trên đĩa / no space left: the database {where} could not be written; "
        "folder {folder} has {free} free. Nothing was half-stored (the transaction was rolled "
        "back)."),
    "error.store.disk_full.hint": (
        "Giải phóng dung lượng đĩa rồi chạy lại đúng lệnh đó: lệnh sẽ làm nốt phần còn lại.",
        "Free some disk space, then run the same command again: it completes the work."),
    "error.store.not_written": (
        "Không ghi được cơ sở dữ liệu {where} ({text}). Chưa có gì thay đổi.",
        "The database {where} could not be written ({text}). Nothing was changed."),
    "error.store.not_written.hint": (
        "Giải phóng dung lượng đĩa rồi chạy lại lệnh.",
        "Free some disk space and run the command again."),
    "error.store.no_batch": (
        "Không có lô số {id} trong {where}.",
        "There is no batch {id} in {where}."),
    "error.store.no_batch.hint": (
        "Kiểm tra số lô trong báo cáo của lô.",
        "Check the batch number in the batch report."),
    "error.store.no_review_item": (
        "Không có mục kiểm tra số {id} trong {where}.",
        "There is no review item {id} in {where}."),
    "error.store.no_review_item.hint": (
        "Xem danh sách cần kiểm tra bằng `formkit review export`.",
        "List the queue with `formkit review export`."),
    "error.store.no_reviewer": (
        "Cần ghi tên người kiểm tra.",
        "A review needs the reviewer's name."),
    "error.store.no_reviewer.hint": (
        "Ghi --reviewer TÊN (tên được lưu cùng mỗi chỉnh sửa).",
        "Give --reviewer NAME (it is kept with each correction)."),
    "error.store.already_decided": (
        "Mục kiểm tra số {id} ({field}) đã được {reviewer} quyết định; chưa áp dụng gì.",
        "Review item {id} ({field}) was already decided by {reviewer}; nothing was applied."),
    "error.store.already_decided.hint": (
        "Xuất lại danh sách cần kiểm tra để xem các mục còn chờ.",
        "Export the review queue again to see what is still pending."),

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
    "error.soffice.disk_full": (
        "Không đủ chỗ trên đĩa: LibreOffice không ghi được PDF vào {folder} (còn trống {free}).",
        "No space left: LibreOffice could not write the PDF in {folder} ({free} free)."),
    "hint.free_disk": (
        "Giải phóng dung lượng đĩa rồi chạy lại lệnh đó.",
        "Free some disk space, then run the same command again."),
    # commands (formkit.cli_parts) and the rest of forms build
    "error.actions.none": (
        "Không có biện pháp khắc phục nào phù hợp.", "No corrective action matches."),
    "hint.actions.open": (
        "Mở một biện pháp bằng `formkit actions open --entry N --action … --owner … --due "
        "dd/mm/yyyy`.",
        "Open one with `formkit actions open --entry N --action … --owner … --due "
        "dd/mm/yyyy`."),
    "error.backup.restore_cancelled": (
        "Đã hủy khôi phục; chưa thay đổi gì.", "Restore cancelled; nothing was changed."),
    "error.doctor.archives_differ": (
        "{count} hồ sơ đã niêm phong khác với danh mục của chúng (xem ở trên).",
        "{count} sealed archive(s) differ from their manifest (see above)."),
    "hint.doctor.restore_archives": (
        "Khôi phục chúng từ bản sao lưu; `formkit archive verify ĐƯỜNG_DẪN` cho biết chi tiết.",
        "Restore them from a backup copy; `formkit archive verify PATH` shows the details."),
    "error.archive.add_option": (
        "--add {item}: viết theo dạng NHÓM=ĐƯỜNG_DẪN, ví dụ review=x.xlsx.",
        "--add {item}: write it as CATEGORY=PATH, e.g. review=x.xlsx."),
    "error.archive.differs": (
        "Hồ sơ {folder} khác với danh mục: {changed} tệp bị sửa, {missing} tệp thiếu, {added} "
        "tệp thêm, {problems} vấn đề khác.",
        "The archive {folder} differs from its manifest: {changed} changed, {missing} "
        "missing, {added} added, {problems} other problem(s)."),
    "hint.archive.restore_files": (
        "Khôi phục các tệp từ bản sao lưu của hồ sơ.",
        "Restore the files from a backup copy of the archive."),
    "error.register.group_missing": (
        "Ghi nhóm ý kiến (mã hoặc tên), hoặc --clear.",
        "Give a group (code or name), or --clear."),
    "error.web.flask": (
        "Ứng dụng web cần Flask ({detail}).", "The web app needs Flask ({detail})."),
    "hint.web.flask": (
        "Chạy `make setup` (hoặc `.venv/bin/pip install flask`).",
        "Run `make setup` (or `.venv/bin/pip install flask`)."),
    "error.forms.stamp_pages": (
        "{file}: {pages} trang, trong khi bố cục có {expected}.",
        "{file}: {pages} pages, the layout has {expected}."),
    "error.forms.font": (
        "Thiếu phông Liberation Serif: không in được số phiếu.",
        "The Liberation Serif font is missing: serial numbers cannot be printed."),
    "hint.forms.font": (
        "Cài fonts-liberation2 (scripts/setup.sh).",
        "Install fonts-liberation2 (scripts/setup.sh)."),
    "error.forms.layout_drift": (
        "Bố cục in ra của {file} ({printed}) khác với bố cục trong mã QR ({qr}).",
        "The printed layout of {file} ({printed}) differs from the layout in its QR codes "
        "({qr})."),
    "hint.forms.layout_drift": (
        "Xóa thư mục exports/forms/layouts rồi tạo lại; nếu vẫn vậy, phông chữ trên máy này "
        "đã thay đổi trong lúc tạo.",
        "Delete exports/forms/layouts and build again; if it persists, the fonts on this "
        "machine changed while building."),
    # report, review workbook, workbooks (formkit.export)
    "error.report.pending": (
        "Còn {count} kết quả đọc của năm {year} chờ kiểm tra; lập báo cáo lúc này sẽ tính "
        "chúng như máy đã đọc.",
        "{count} reading(s) of {year} still wait for review; a report now would count them "
        "as the machine read them."),
    "hint.report.pending": (
        "Kiểm tra xong (formkit review), hoặc chạy `formkit report --preview` để có bản dự "
        "thảo ghi DỰ THẢO.",
        "Finish the review (formkit review), or run `formkit report --preview` for a draft "
        "marked DỰ THẢO."),
    "error.report.write": (
        "Không ghi được báo cáo {path}: {detail}.", "Cannot write the report {path}: {detail}."),
    "error.review.not_xlsx": (
        "{file} không phải tệp Excel; chưa áp dụng gì.",
        "{file} is not an Excel workbook; nothing was applied."),
    "hint.review.import_xlsx": (
        "Nhập tệp .xlsx do `formkit review export` tạo ra.",
        "Import the .xlsx written by `formkit review export`."),
    "error.review.not_review_workbook": (
        "{file} không phải sổ kiểm tra của formkit (không có trang “{sheet}” với cột “Giá trị "
        "đúng”). Chưa áp dụng gì.",
        "{file} is not a review workbook of formkit (no sheet “{sheet}” with the column “Giá "
        "trị đúng”). Nothing was applied."),
    "hint.review.import_as_written": (
        "Nhập tệp do `formkit review export` tạo ra, giữ nguyên các cột.",
        "Import the file written by `formkit review export`, with its columns as they were."),
    "error.review.no_reviewer": (
        "Thiếu tên người kiểm tra.", "The reviewer's name is missing."),
    "hint.review.reviewer": (
        "Ghi --reviewer TÊN; tên được lưu cùng mỗi lần sửa.",
        "Give --reviewer NAME; it is kept with each correction."),
    "error.export.write": ("Không ghi được {path}: {detail}.", "Cannot write {path}: {detail}."),
    "error.export.permission": (
        "Không ghi được {path}: không có quyền ghi ({detail}).",
        "Cannot write {path}: permission denied ({detail})."),
    "hint.export.close_workbook": (
        "Đóng tệp nếu đang mở trong Excel hoặc LibreOffice, hoặc chọn thư mục được phép ghi, "
        "rồi chạy lại lệnh.",
        "Close the workbook if it is open in Excel or LibreOffice, or choose a folder you can "
        "write to, then run the command again."),
    # archive, retention and disposal (formkit.archive)
    "error.archive.not_sealed": (
        "{folder} không phải hồ sơ đã niêm phong: thiếu tệp {manifest}.",
        "{folder} is not a sealed archive: {manifest} is missing."),
    "hint.archive.seal_first": (
        "Niêm phong năm đó trước bằng `formkit archive --year NĂM`.",
        "Seal the year first with `formkit archive --year YEAR`."),
    "error.archive.damaged": ("{path} bị hỏng: {detail}.", "{path} is damaged: {detail}."),
    "error.archive.format": (
        "{path}: định dạng danh mục {format} không được hỗ trợ.",
        "{path}: unknown manifest format {format}."),
    "error.archive.categories": (
        "Tên nhóm hồ sơ phải là chữ không dấu (ASCII): {names}.",
        "Archive categories must be ASCII names: {names}."),
    "error.archive.missing_files": (
        "Không niêm phong được năm {year}: không tìm thấy {count} tệp: {files}.",
        "Cannot seal {year}: {count} file(s) not found: {files}."),
    "error.archive.write": (
        "Không ghi được vào {folder}: {detail}.", "Cannot write in {folder}: {detail}."),
    "error.archive.no_archive": (
        "Năm {year} chưa có hồ sơ niêm phong trong {folder}.",
        "No sealed archive for {year} in {folder}."),
    "hint.archive.only_sealed": (
        "Chỉ hủy được các năm đã niêm phong; xem `formkit retention`.",
        "Only sealed years can be disposed of; see `formkit retention`."),
    "error.archive.already_disposed": (
        "Hồ sơ năm {year} đã được hủy ({when}).",
        "The records of {year} were already disposed of ({when})."),
    "error.archive.not_confirmed": (
        "Chưa xác nhận hủy hồ sơ năm {year}: gõ lại năm ({year}) để xác nhận.",
        "Disposal of {year} not confirmed: type the year ({year}) again to confirm."),
    "error.archive.no_anonymiser": (
        "Hủy hồ sơ cần bộ ẩn danh cơ sở dữ liệu (anonymize_year của kho dữ liệu); thiếu nó, "
        "tên người vẫn còn trong cơ sở dữ liệu.",
        "Disposal needs the database anonymiser (the store's anonymize_year); without it "
        "names would remain in the database."),
    "error.archive.fails_verification": (
        "Hồ sơ năm {year} không qua kiểm tra, nên không hủy: {problems}",
        "The archive of {year} fails verification, so it is not disposed of: {problems}"),
    "hint.archive.restore": (
        "Chưa xóa gì. Chạy `formkit archive verify` và khôi phục hồ sơ từ bản sao lưu.",
        "Nothing was deleted. Run `formkit archive verify` and restore the archive from a "
        "backup copy."),
    "error.archive.disposal_stopped": (
        "Việc hủy hồ sơ năm {year} bị dừng: {detail}. Một số tệp có thể đã bị xóa; sửa "
        "nguyên nhân rồi chạy lại.",
        "Disposal of {year} stopped: {detail}. Some files may already be deleted; run it "
        "again after fixing the cause."),
    # forms build / cancel (formkit.render)
    "error.forms.write": (
        "Không ghi được vào {folder}: {detail}.", "Cannot write to {folder}: {detail}."),
    "error.forms.cancel_reason": (
        "Hủy bản phiếu phải ghi lý do.", "A cancellation needs its reason."),
    "hint.forms.cancel_reason": (
        "Ghi lý do, ví dụ --reason \"in hỏng\".", "Say why, e.g. --reason \"in hỏng\"."),
    "error.forms.range": (
        "Số phiếu {first}–{last} không phải một khoảng.",
        "Serials {first}–{last} are not a range."),
    "hint.forms.range": (
        "Ghi số đầu và số cuối, số đầu ≤ số cuối.",
        "Give the first and the last serial, first ≤ last."),
    "error.forms.never_issued": (
        "Phiếu số {serial} của mẫu {form} năm {year} {unit} chưa từng được phát.",
        "Serial {serial} of {form} {year} {unit} was never issued."),
    "hint.forms.never_issued": (
        "Chỉ hủy được các số đã phát; xem exports/forms/issued_serials.jsonl.",
        "Only issued serials can be cancelled; see exports/forms/issued_serials.jsonl."),
    "error.forms.already_cancelled": (
        "Các số phiếu từ {serial}… đã bị hủy trước đó.",
        "Serials {serial}… are already cancelled."),
    "hint.nothing_changed": ("Chưa thay đổi gì.", "Nothing was changed."),
    "error.forms.overflow": (
        "{file} có {pages} trang, trong khi cần {per_copy} trang mỗi bản × {copies} bản: nội "
        "dung không còn vừa các trang.",
        "{file} has {pages} pages; expected {per_copy} per copy × {copies}: the content no "
        "longer fits its pages."),
    "hint.forms.overflow": (
        "Rút ngắn chữ trong mẫu, hoặc dời phần tử page_break trong mẫu.",
        "Shorten the template text, or move a page_break element in the template."),
    "error.forms.no_layout": (
        "Chưa có bố cục cho mẫu {form} với cấu hình này, và không có PDF nào được tạo để học "
        "bố cục.",
        "No layout is known for form {form} with these settings, and no PDF was made to "
        "learn it."),
    "hint.forms.no_layout": (
        "Tạo biểu mẫu một lần có xuất PDF (cần cài LibreOffice).",
        "Build once with PDF output (LibreOffice installed)."),
    # formkit.toml (formkit.config)
    "error.config.unknown_unit": (
        "Không có mã đơn vị {unit}. Các đơn vị trong {where}: {known}.",
        "Unknown unit code {unit}. Units in {where}: {known}."),
    "hint.config.unit": (
        "Dùng một trong các mã trên, hoặc thêm đơn vị vào mục [[units]] trong formkit.toml.",
        "Use one of the codes above, or add the unit under [[units]] in formkit.toml."),
    "error.config.form_code": (
        "Không có mã biểu mẫu cho {short} trong mục [iso.forms] của {where}.",
        "No form code for {short} under [iso.forms] in {where}."),
    "error.config.key_type": (
        "{where}: khóa {key!r} phải có kiểu {kind}, nhưng đang là {found} ({value}).",
        "{where}: key {key!r} should be {kind}, found {found} ({value})."),
    "error.config.toml": (
        "{path}: không đúng cú pháp TOML: {detail}.", "{path}: not valid TOML: {detail}."),
    "error.config.utf8": (
        "{path}: không phải văn bản UTF-8 ({detail}).", "{path}: not UTF-8 text ({detail})."),
    "hint.config.utf8": ("Lưu tệp ở dạng mã UTF-8.", "Save it as UTF-8."),
    "error.config.table": (
        "{where}: mục {table} phải là một bảng.", "{where}: {table} must be a table."),
    "error.config.issue_date": (
        "{where}: issue_date {value} không phải ngày; viết theo dạng YYYY-MM-DD.",
        "{where}: issue_date {value} is not a date; write it as YYYY-MM-DD."),
    "error.config.at_least_one": (
        "{where}: {key} phải từ 1 trở lên.", "{where}: {key} must be at least 1."),
    "error.config.iso_forms": (
        "{where}: mục [iso.forms] phải gán mã ngắn với mã biểu mẫu (dạng chữ).",
        "{where}: [iso.forms] must map short codes to form codes (strings)."),
    "error.config.units_tables": (
        "{where}: các đơn vị phải viết thành các bảng [[units]].",
        "{where}: units must be written as [[units]] tables."),
    "error.config.unit_fields": (
        "{where}: units[{index}] cần có `code` và `name` dạng chữ.",
        "{where}: units[{index}] needs a text `code` and `name`."),
    "error.config.unit_ascii": (
        "{where}: units[{index}] có mã {unit}; mã chỉ gồm chữ cái và chữ số không dấu (mã được "
        "in trong mã QR).",
        "{where}: units[{index}] code {unit} must be ASCII letters/digits (it is printed in "
        "the QR code)."),
    "error.config.unit_twice": (
        "{where}: units[{index}] có mã {unit} bị trùng.",
        "{where}: units[{index}] code {unit} appears twice."),
    "error.config.year_counts_table": (
        "{where} phải là một bảng dạng \"năm\" = số lượng.",
        "{where} must be a table of \"year\" = count."),
    "error.config.year_count": (
        "{where}: {key} = {value} không đúng dạng \"year\" = count (ví dụ \"2026\" = 2000).",
        "{where}: {key} = {value} is not \"year\" = count (e.g. \"2026\" = 2000)."),
    "error.config.margin": (
        "{where}: margin phải là một phân số giữa 0 và 1 (ví dụ 0.05).",
        "{where}: margin must be a fraction between 0 and 1 (e.g. 0.05)."),
    "error.config.reference_tables": (
        "{where}: các số liệu tham chiếu viết thành các bảng [[indicators.reference]].",
        "{where}: reference figures are written as [[indicators.reference]]."),
    "error.config.reference": (
        "{where}: reference[{index}] cần label (chữ), year (số) và percent (0–100), ví dụ "
        "label = \"SIPAS toàn quốc\", year = 2023, percent = 82.66.",
        "{where}: reference[{index}] needs label (text), year (number) and percent (0–100), "
        "e.g. label = \"SIPAS toàn quốc\", year = 2023, percent = 82.66."),
    "error.config.exists": (
        "{path} đã có; chưa thay đổi gì.", "{path} already exists; nothing was changed."),
    "hint.config.exists": (
        "Sửa tệp đó, hoặc chạy `formkit init --force` để thay bằng cấu hình mặc định.",
        "Edit it, or run `formkit init --force` to replace it with the defaults."),
    "error.config.write": ("Không ghi được {path}: {detail}.", "Cannot write {path}: {detail}."),
    # external programs (formkit._exec)
    "error.exec.override_missing": (
        "{variable} trỏ tới {path!r}, nhưng không có chương trình đó.",
        "{variable} points to {path!r}, which does not exist."),
    "hint.exec.override": (
        "Bỏ biến {variable}, hoặc cho nó trỏ tới chương trình {program}.",
        "Unset {variable} or point it at the {program} program."),
    "error.tesseract.missing": (
        "Không tìm thấy Tesseract, nên không đọc được chữ viết tay và chữ đánh máy trên bản "
        "quét.",
        "Tesseract was not found, so handwritten and typed text on scans cannot be read."),
    "hint.tesseract.install": (
        "Cài bằng `make setup` (hoặc `apt-get install {packages}`); các ô đánh dấu vẫn đọc "
        "được khi không có nó.",
        "Install it with `make setup` (or `apt-get install {packages}`); tick boxes are read "
        "without it."),
    "error.tesseract.start": (
        "Không khởi động được Tesseract tại {cmd}.", "Tesseract at {cmd} could not be started."),
    "hint.tesseract.reinstall": (
        "Cài lại: `apt-get install {packages}`.", "Reinstall it: `apt-get install {packages}`."),
    "error.tesseract.version": (
        "Tesseract tại {cmd} không báo được phiên bản hay ngôn ngữ: {detail}.",
        "Tesseract at {cmd} failed to report its version or languages: {detail}."),
    "error.tesseract.old": (
        "Tesseract {version} quá cũ: formkit cần phiên bản {needed} trở lên (bộ máy LSTM đọc "
        "được dấu tiếng Việt).",
        "Tesseract {version} is too old: formkit needs version {needed} or newer (its LSTM "
        "engine reads Vietnamese diacritics)."),
    "hint.tesseract.current": (
        "Cài gói {package} bản hiện hành.", "Install a current {package} package."),
    "error.tesseract.language": (
        "Tesseract không có dữ liệu ngôn ngữ {missing} (đã cài: {installed}); không đọc được "
        "chữ tiếng Việt.",
        "Tesseract has no language data for {missing} (installed: {installed}); Vietnamese "
        "text cannot be read."),
    "hint.tesseract.install_lang": (
        "Cài bằng `apt-get install {packages}`.", "Install it with `apt-get install {packages}`."),
    "error.tesseract.gone": (
        "Tesseract tại {cmd} biến mất khi formkit đang chạy.",
        "Tesseract at {cmd} disappeared while formkit was running."),
    "error.tesseract.failed": (
        "Tesseract bị lỗi (mã thoát {status}): {detail}.",
        "Tesseract failed (exit {status}): {detail}."),
    "error.tesseract.timeout": (
        "Tesseract không đọc xong một vùng chữ trong {seconds} giây.",
        "Tesseract did not finish within {seconds} s on one text zone."),
    "hint.tesseract.timeout": (
        "Máy có thể đang quá tải; thử lại, hoặc quét ở độ phân giải thấp hơn.",
        "The machine may be overloaded; try again or scan at a lower resolution."),
    "error.tesseract.run": (
        "Không chạy được Tesseract: {detail}.", "Tesseract could not be run: {detail}."),
    "error.soffice.timeout": (
        "LibreOffice không chuyển xong {files} tệp trong {seconds} giây.",
        "LibreOffice did not finish converting {files} file(s) within {seconds} s."),
    "hint.soffice.timeout": (
        "Tạo ít bản hơn mỗi lần, hoặc kiểm tra không có cửa sổ LibreOffice nào bị treo.",
        "Try fewer copies per build, or check that no LibreOffice window is stuck."),
    "error.soffice.failed": (
        "LibreOffice không chuyển được {files} (mã thoát {status}): {detail}.",
        "LibreOffice failed to convert {files} (exit {status}): {detail}."),
    "hint.soffice.failed": (
        "LibreOffice đã cài nhưng lỗi với tài liệu này: mở tệp DOCX bằng LibreOffice để xem "
        "vấn đề, hoặc chạy `formkit doctor`.",
        "LibreOffice is installed but failed on this document: open the DOCX in LibreOffice "
        "to see the problem, or run `formkit doctor`."),
    # formkit read
    "error.read.jobs": (
        "--jobs {jobs}: số tiến trình đọc phải từ 1 trở lên.",
        "--jobs {jobs}: the number of reading processes must be 1 or more."),
    "hint.read.jobs": (
        "Bỏ --jobs để dùng một tiến trình cho mỗi lõi.",
        "Leave --jobs out to use one process per core."),
    "error.read.worker_start": (
        "Một tiến trình đọc trang không khởi động được (mã thoát {exit_code}).",
        "A page-reading process could not start (exit code {exit_code})."),
    "hint.read.one_process": (
        "Chạy `formkit read --jobs 1` để đọc trong một tiến trình, và báo lỗi cho người quản trị.",
        "Run `formkit read --jobs 1` to read in one process, and report the problem."),
    "error.read.crop": (
        "Không ghi được ảnh vùng đọc {path}: {detail}.",
        "Cannot write the crop image {path}: {detail}."),
    # filled DOCX and text PDFs (formkit.scan.digital)
    "error.digital.unknown_layout": (
        "{what}: phiên bản bố cục {version} (mẫu {form}) không có trong thư mục làm việc này; "
        "tệp được tạo ở nơi khác hoặc bởi phiên bản formkit khác, nên không tin được vị trí "
        "các ô.",
        "{what}: its layout version {version} (form {form}) is not known in this workspace; "
        "it was built elsewhere or by another formkit version, so its boxes cannot be "
        "trusted."),
    "hint.digital.copy_layout": (
        "Đọc tệp trong thư mục làm việc đã tạo ra nó, hoặc chép tệp layout_*.json của nó vào "
        "exports/forms/layouts/.",
        "Read it in the workspace that built it, or copy that layout_*.json into "
        "exports/forms/layouts/."),
    "error.digital.layout_form": (
        "{what}: bố cục {version} thuộc mẫu {layout_form}, nhưng tệp ghi mẫu {form}.",
        "{what}: layout {version} belongs to form {layout_form}, the file says form {form}."),
    "error.digital.not_survey": (
        "{what}: mẫu {form} là {kind}, không phải phiếu khảo sát; chỉ đọc phiếu khảo sát.",
        "{what}: form {form} is a {kind}, not a survey; only survey sheets are read."),
    "hint.digital.register_import": (
        "Nhập các dòng sổ ghi nhận bằng chức năng nhập sổ.",
        "Enter register rows with the register import instead."),
    "error.digital.boxes_changed": (
        "{what}: bản {serial} có {found} ô đánh dấu trong khi mẫu {form} có {expected}; tài "
        "liệu đã bị sửa cấu trúc (thêm hay bớt dòng, bảng), nên không ghép được ô với câu hỏi.",
        "{what}: copy {serial} has {found} tick boxes where form {form} has {expected}; the "
        "document was restructured (rows or tables added or removed), so its boxes cannot be "
        "matched to the questions."),
    "hint.digital.fresh_copy_or_print": (
        "Điền vào một bản mới của biểu mẫu mà không sửa các bảng, hoặc in bản đã điền rồi quét.",
        "Fill a fresh copy of the form without changing its tables, or print the filled form "
        "and scan it."),
    "error.digital.zones_changed": (
        "{what}: bản {serial} có {found} vùng viết trong khi mẫu {form} có {expected}; tài "
        "liệu đã bị sửa cấu trúc.",
        "{what}: copy {serial} has {found} text zones where form {form} has {expected}; the "
        "document was restructured."),
    "hint.digital.fresh_copy": (
        "Điền vào một bản mới của biểu mẫu mà không sửa các bảng.",
        "Fill a fresh copy of the form without changing its tables."),
    "error.digital.partial_copies": (
        "{what}: {pages} trang không phải số bản trọn vẹn của mẫu {form} (mỗi bản {per_copy} "
        "trang); đã có trang bị thêm hoặc bớt.",
        "{what}: {pages} page(s) is not a whole number of copies of form {form} ({per_copy} "
        "pages each); pages were added or removed."),
    "error.digital.copy_order": (
        "{what}: các trang {first}–{last} phải là một bản (trang 1–{per_copy}); chân trang "
        "ghi {found}. Chân trang hoặc thứ tự trang đã bị sửa.",
        "{what}: pages {first}–{last} should be one copy (pages 1–{per_copy}); their footers "
        "say {found}. The footers or the page order were changed."),
    "hint.digital.keep_footers": (
        "Điền vào một bản mới của biểu mẫu; không sửa đầu trang hay chân trang.",
        "Fill a fresh copy of the form; do not edit headers or footers."),
    "error.digital.not_docx": (
        "{what}: không mở được như một tài liệu Word (DOCX): {detail}.",
        "{what}: cannot be opened as a Word document (DOCX): {detail}."),
    "error.digital.docx_damaged": (
        "{what}: tài liệu Word bị hỏng ({detail}).", "{what}: the Word document is damaged "
        "({detail})."),
    "error.digital.sections": (
        "{what}: {sections} phần (section) nhưng {blocks} khối trang; cấu trúc trang của tài "
        "liệu đã bị sửa.",
        "{what}: {sections} sections but {blocks} page blocks; the document's page structure "
        "was changed."),
    "error.digital.not_formkit_docx": (
        "{what}: không phải biểu mẫu của formkit: thuộc tính tài liệu không có dấu của "
        "formkit và chân trang không có mã trang formkit.",
        "{what}: not a formkit form: its document properties carry no formkit marker and its "
        "footers no formkit page code."),
    "hint.digital.built_forms_docx": (
        "Chỉ đọc được cách này các phiếu khảo sát tạo bằng `formkit forms build` (điền bằng "
        "Word hoặc LibreOffice).",
        "Only survey forms made by `formkit forms build` (filled in Word or LibreOffice) can "
        "be read this way."),
    "error.digital.footer_code": (
        "{what}: trang {page} không có mã trang đọc được ở chân trang (thấy {found}); chân "
        "trang đã bị sửa.",
        "{what}: page {page} has no readable page code in its footer (found {found}); the "
        "footer was changed."),
    "hint.digital.keep_footer": (
        "Điền vào một bản mới của biểu mẫu; không sửa chân trang.",
        "Fill a fresh copy of the form; do not edit footers."),
    "error.digital.mixed_forms": (
        "{what}: trang {page} ghi mẫu {page_form} bố cục {page_layout}, tài liệu ghi mẫu "
        "{form} bố cục {layout}; các trang của những biểu mẫu khác nhau đã bị dán chung.",
        "{what}: page {page} says form {page_form} layout {page_layout}, the document says "
        "form {form} layout {layout}; pages from different forms were pasted together."),
    "error.digital.not_formkit_pdf": (
        "{what}: không phải biểu mẫu của formkit: mã QR và chân trang không có mã trang "
        "formkit, thuộc tính không có dấu của formkit.",
        "{what}: not a formkit form: no formkit page code in its QR codes or footers, and no "
        "formkit marker in its properties."),
    "hint.digital.built_forms": (
        "Chỉ đọc được các biểu mẫu tạo bằng `formkit forms build`.",
        "Only forms made by `formkit forms build` can be read."),
    "error.digital.page_code": (
        "{what}: trang {page} không có mã trang formkit đọc được.",
        "{what}: page {page} carries no readable formkit page code."),
    "error.digital.kind": (
        "{what}: không phải tệp DOCX hay PDF.", "{what}: not a DOCX or PDF file."),
    "error.archive.keep_until": (
        "Hồ sơ năm {year} phải lưu đến {until} ({years} năm); chỉ được hủy từ {start}.",
        "The records of {year} must be kept until {until} ({years} years); they may be "
        "disposed of from {start}."),
    "error.archive.nothing_to_seal": (
        "Năm {year} chưa có tệp nào để niêm phong.",
        "Nothing to seal for {year}: no files were given."),
    "error.archive.already_sealed": (
        "Năm này đã được niêm phong ({target}); chưa thay đổi gì.",
        "{target} is already sealed; nothing was changed."),
    "hint.archive.reseal": (
        "Kiểm tra bằng `formkit archive verify`, hoặc chọn “niêm phong lại” (--replace) để lập "
        "lại từ các tệp hiện có.",
        "Verify it with `formkit archive verify`, or seal again with --replace to rebuild it "
        "from the current files."),
    "error.archive.disposed": (
        "Hồ sơ năm {year} ({target}) đã hủy theo biên bản; không niêm phong lại được.",
        "The archive of {year} in {target} has been disposed of; it cannot be sealed again."),
    "hint.nothing_deleted": ("Chưa xóa gì.", "Nothing was deleted."),
    "error.soffice.missing": (
        "Không tìm thấy LibreOffice (soffice), nên không tạo được PDF.",
        "LibreOffice (soffice) was not found, so no PDF can be made."),
    "hint.soffice.install": (
        "Cài bằng `make setup` (hoặc `apt-get install libreoffice-writer-nogui`) trên máy chủ "
        "rồi thử lại; các tệp DOCX vẫn được ghi.",
        "Install it with `make setup` (or `apt-get install libreoffice-writer-nogui`); the "
        "DOCX files are written anyway."),

    # the last plain-text errors (issue #13 item 4)
    "error.postgres.missing": (
        "Chưa cài chương trình PostgreSQL {program}.",
        "The PostgreSQL program {program} is not installed."),
    "hint.postgres.install": (
        "Chạy `bash scripts/setup.sh` (lệnh này cài gói postgresql), hoặc cài các chương trình "
        "khách của PostgreSQL cùng phiên bản với máy chủ.",
        "Run `bash scripts/setup.sh` (it installs the postgresql package), or install PostgreSQL's"
        " client programs of the server's version."),
    "error.postgres.timeout": (
        "{program} chưa chạy xong sau {seconds} giây{what}.",
        "{program} did not finish within {seconds} s{what}."),
    "hint.postgres.server_answers": (
        "Kiểm tra máy chủ cơ sở dữ liệu có trả lời không, rồi thử lại.",
        "Check that the database server answers, then try again."),
    "error.postgres.start": (
        "Không khởi động được {program}: {reason}.",
        "Cannot start {program}: {reason}."),
    "error.postgres.failed": (
        "{program} bị lỗi{what}: {detail}.",
        "{program} failed{what}: {detail}."),
    "hint.postgres.check_server": (
        "Đọc thông báo ở trên; kiểm tra địa chỉ cơ sở dữ liệu và máy chủ có đang chạy không.",
        "Read the message above; check the database address and that the server runs."),
    "error.postgres.no_account": (
        "Các chương trình máy chủ PostgreSQL không chạy dưới quyền root, và không có tài khoản "
        "postgres để chạy chúng.",
        "PostgreSQL's server programs do not run as root, and there is no postgres account to run "
        "them as."),
    "hint.postgres.account": (
        "Cài gói postgresql (gói này tạo tài khoản đó).",
        "Install the postgresql package (it creates the account)."),
    "error.postgres.test_server_timeout": (
        "Máy chủ PostgreSQL dùng để kiểm thử không trả lời kịp.",
        "The PostgreSQL test server did not answer in time."),
    "error.channels.mapping_missing": (
        "Không tìm thấy tệp ánh xạ {path}.",
        "Mapping file {path} not found."),
    "hint.channels.mapping": (
        "Sửa tệp ánh xạ nêu ở trên (xem mẫu form_templates/channels/*.example.yaml).",
        "Fix the mapping file named above (see form_templates/channels/*.example.yaml)."),
    "error.channels.mapping_yaml": (
        "{path}: không đọc được dạng YAML: {detail}",
        "{path}: not a readable YAML file: {detail}"),
    "error.channels.export_missing": (
        "Không tìm thấy tệp xuất {path}.",
        "Export file {path} not found."),
    "error.channels.xlsx": (
        "{path}: không đọc được như một sổ tính XLSX ({detail}).",
        "{path}: not a readable XLSX workbook ({detail})."),
    "error.channels.sheet": (
        "{path}: không có trang tính {sheet}; các trang tính có: {sheets}.",
        "{path}: no sheet {sheet}; sheets: {sheets}."),
    "error.channels.encoding": (
        "{path}: không phải văn bản mã {encoding} ({detail}).",
        "{path}: not {encoding} text ({detail})."),
    "hint.channels.encoding": (
        "Ghi `encoding:` trong tệp ánh xạ (ví dụ utf-16, cp1258).",
        "Set `encoding:` in the mapping (e.g. utf-16, cp1258)."),
    "error.channels.export_type": (
        "{path}: không hỗ trợ loại tệp xuất {suffix}; hãy dùng CSV hoặc XLSX.",
        "{path}: unsupported export type {suffix}; use CSV or XLSX."),
    "error.channels.name": (
        "Tên kênh {channel} chỉ được gồm chữ cái, chữ số, - hoặc _.",
        "Channel name {channel} must be letters, digits, - or _."),
    "hint.channels.name": (
        "Ví dụ --channel google_forms hoặc --channel dvc",
        "e.g. --channel google_forms or --channel dvc"),
    "error.channels.header_row": (
        "{path}: không có dòng tiêu đề {row} (tệp chỉ có {rows} dòng).",
        "{path}: no header row {row} (the file has {rows} rows)."),
    "error.channels.columns": (
        "{path}: không tìm thấy các cột: {missing}. Các cột có trong tệp: {columns}.",
        "{path}: columns not found: {missing}. Columns in the file: {columns}."),
    "error.rules.phrase_list": (
        "{path}: {where}: phải là một danh sách cụm từ.",
        "{path}: {where}: must be a list of phrases."),
    "error.rules.phrase_empty": (
        "{path}: {where}[{index}]: phải là một cụm từ, không để trống.",
        "{path}: {where}[{index}]: must be a non-empty phrase."),
    "error.rules.missing": (
        "{path}: không tìm thấy tệp.",
        "{path}: file not found."),
    "hint.rules.copy": (
        "Chép tệp {builtin} vào đó rồi sửa.",
        "Copy {builtin} there and edit it."),
    "error.rules.utf8": (
        "{path}: không phải văn bản UTF-8 ({detail}).",
        "{path}: not UTF-8 text ({detail})."),
    "hint.rules.utf8": (
        "Lưu tệp ở dạng UTF-8.",
        "Save it as UTF-8."),
    "error.rules.yaml": (
        "{path}: không phải YAML hợp lệ: {detail}",
        "{path}: not valid YAML: {detail}"),
    "error.rules.groups": (
        "{path}: cần một danh sách `groups:` gồm các mục {{code, name, keywords}}.",
        "{path}: needs a list `groups:` of {{code, name, keywords}}."),
    "error.rules.fallback": (
        "{path}: fallback: phải là một ánh xạ có code và name.",
        "{path}: fallback: must be a mapping with code and name."),
    "error.rules.group_mapping": (
        "{path}: {where}: phải là một ánh xạ (code, name, keywords).",
        "{path}: {where}: must be a mapping (code, name, keywords)."),
    "error.rules.group_code": (
        "{path}: {where}.code: {value} phải là mã ngắn gồm chữ thường, chữ số hoặc _ "
        "(ví dụ \"5\").",
        "{path}: {where}.code: {value} must be a short code of lower-case letters, digits or _ "
        "(e.g. \"5\")."),
    "error.rules.group_code_twice": (
        "{path}: {where}.code: {value} bị dùng hai lần.",
        "{path}: {where}.code: {value} is used twice."),
    "error.rules.group_name": (
        "{path}: {where}.name: còn thiếu.",
        "{path}: {where}.name: missing."),
    "error.rules.group_keywords": (
        "{path}: {where}.keywords: cần ít nhất một từ khóa.",
        "{path}: {where}.keywords: give at least one keyword."),
    "error.evaluation.kind": (
        "{source}: bản đánh giá cần phiếu khảo sát (05-02), nhưng đây là mẫu {kind}.",
        "{source}: the evaluation needs the survey (05-02), got a {kind}."),
    "error.evaluation.shape": (
        "{source}: bản đánh giá cần các dòng chấm điểm với lựa chọn tot/dat/chua_dat và một câu "
        "hỏi tần suất có only_if (c2.muc_do); mẫu hiện có {rows} dòng chấm điểm và {questions} câu"
        " hỏi có điều kiện.",
        "{source}: the evaluation needs rating rows with options tot/dat/chua_dat and a frequency "
        "question with only_if (c2.muc_do); the template has {rows} rating rows and {questions} "
        "conditional questions."),
    "error.evaluation.options": (
        "{source}: câu {question} thiếu các lựa chọn {missing}.",
        "{source}: {question} lacks the options {missing}."),
    "error.date.invalid": (
        "{text} không phải là ngày.",
        "{text} is not a date."),
    "hint.date.format": (
        "Viết ngày theo dạng dd/mm/yyyy, ví dụ 05/01/2026.",
        "Write dates as dd/mm/yyyy, e.g. 05/01/2026."),
    "error.batch.rejected": (
        "{count} trang bị loại; xem lý do ở trên.",
        "{count} page(s) rejected; see the reasons above."),
    "error.simulate.missing": (
        "Lệnh simulate cần gói phát triển formkit_dev (trình mô phỏng bản quét), nhưng gói này "
        "chưa được cài.",
        "The simulate command needs the development package formkit_dev (the scan simulator), "
        "which is not installed."),
    "hint.simulate.install": (
        "Trong thư mục mã nguồn formkit, chạy: pip install -e '.[dev]' (hoặc make setup).",
        "In the formkit source folder, run: pip install -e '.[dev]' (or make setup)."),
    "error.image.encode": (
        "Không mã hóa được ảnh {path} ({what}): OpenCV từ chối ảnh này.",
        "Cannot encode the {what} {path} (OpenCV refused the image)."),
    "error.layout.format": (
        "{source}: định dạng bố cục {found} không phải {expected}.",
        "{source}: layout format {found} is not {expected}."),
    "hint.layout.rebuild": (
        "Tạo lại phiếu bằng `formkit forms build`.",
        "Rebuild the form with `formkit forms build`."),
    "error.layout.invalid": (
        "{source}: không phải tệp bố cục hợp lệ ({detail}).",
        "{source}: not a valid layout file ({detail})."),
    "error.layout.read": (
        "{path}: không đọc được bố cục ({detail}).",
        "{path}: cannot read layout ({detail})."),
    "error.layout.marks": (
        "Trang {page}: PDF cần có 4 dấu định vị và 1 mã QR, nhưng tìm thấy {marks} dấu và {qrs} "
        "mã.",
        "page {page}: expected 4 registration marks and 1 QR code in the PDF, found {marks} and "
        "{qrs}."),
    "hint.layout.header": (
        "Đầu trang hoặc chân trang không hiện ra như thiết kế; mở tệp DOCX bằng Word để kiểm tra.",
        "The header or footer did not render as designed; check the DOCX in Word."),
    "error.layout.corners": (
        "Trang {page}: các dấu định vị không nằm ở bốn góc.",
        "page {page}: registration marks are not at four corners."),
    "error.layout.pages": (
        "{file}: mỗi bản cần {expected} trang, nhưng PDF có {pages}; phiếu không còn vừa số trang.",
        "{file}: expected {expected} page(s) per copy, the PDF has {pages}; the form no longer "
        "fits its pages."),
    "hint.layout.shorten": (
        "Rút gọn nội dung mẫu phiếu hoặc thêm một phần tử page_break.",
        "Shorten the template text or add a page_break element."),
    "error.layout.boxes": (
        "{file}: mẫu phiếu có {expected} ô đánh dấu, PDF cho thấy {found}; không dựng được bố cục "
        "đáng tin cậy.",
        "{file}: the template has {expected} tick boxes, the PDF shows {found}; cannot build a "
        "trustworthy layout."),
    "error.layout.lines": (
        "{file}: mẫu phiếu có {expected} dòng kẻ để viết, PDF cho thấy {found}.",
        "{file}: the template has {expected} ruled text lines, the PDF shows {found}."),
    "error.layout.zone_split": (
        "{file}: vùng chữ {zone} bị chia sang nhiều trang.",
        "{file}: text zone {zone} is split over pages."),
    "error.layout.reference_encode": (
        "Không mã hóa được trang mẫu {file}.",
        "Cannot encode the reference page {file}."),
    "error.template.unknown_form": (
        "Không có mẫu cho phiếu {form} trong {folder}. Các mẫu ở đó: {known}.",
        "No template for form {form} in {folder}. Templates there: {known}."),
    "hint.template.form_option": (
        "Dùng --form 05-01 hoặc --form 05-02, hoặc kiểm tra [paths] templates trong formkit.toml.",
        "Use --form 05-01 or --form 05-02, or check [paths] templates in formkit.toml."),
    "error.template.missing": (
        "{path}: không tìm thấy tệp.",
        "{path}: file not found."),
    "error.template.utf8": (
        "{path}: không phải văn bản UTF-8 ({detail}).",
        "{path}: not UTF-8 text ({detail})."),
    "error.template.yaml": (
        "{path}: không phải YAML hợp lệ: {detail}",
        "{path}: not valid YAML: {detail}"),
    "error.template.code_twice": (
        "{path}: mã {form} cũng đã được dùng bởi {other}",
        "{path}: code {form} is also used by {other}"),
    "error.db.not_formkit": (
        "{where} là một cơ sở dữ liệu nhưng không phải của formkit (có các bảng {tables} và không "
        "có schema_version). Chưa thay đổi gì.",
        "{where} is a database, but not a formkit one (it has the tables {tables} and no "
        "schema_version). Nothing was changed."),
    "hint.db.new_file": (
        "Đặt [paths] database trong formkit.toml trỏ tới một tên tệp mới; formkit sẽ tự tạo tệp "
        "đó.",
        "Point [paths] database in formkit.toml at a new file name; formkit creates it."),
    "error.db.backup_before_upgrade": (
        "Không sao chép được {where} trước khi nâng lược đồ từ phiên bản {before} lên {after} "
        "({detail}). Chưa thay đổi gì.",
        "Could not copy {where} before upgrading its schema from version {before} to {after} "
        "({detail}). Nothing was changed."),
    "hint.db.space_or_rights": (
        "Giải phóng dung lượng đĩa hoặc cấp quyền ghi cho thư mục, rồi thử lại.",
        "Free some disk space or make the folder writable, then try again."),
    "error.db.migration_gap": (
        "Cơ sở dữ liệu {where} đang ở phiên bản lược đồ {version}, nhưng bước nâng cấp {migration}"
        " cần phiên bản {expected}.",
        "The database {where} is at schema version {version}, but migration {migration} expects "
        "{expected}."),
    "hint.db.restore_backup": (
        "Khôi phục cơ sở dữ liệu từ bản sao lưu rồi chạy lại formkit.",
        "Restore the database from its backup and run formkit again."),
    "error.review.text_needed": (
        "{prefix}ô chữ cần có nội dung chữ, nhận được {value}.",
        "{prefix}a text field needs text, got {value}."),
    "error.review.tick_value": (
        "{prefix}ô đánh dấu chỉ có hai trạng thái: có đánh dấu (True) hoặc không (False), nhận "
        "được {value}.",
        "{prefix}a tick box is either ticked (True) or not (False), got {value}."),
    "error.review.option_expected": (
        "{prefix}cần một giá trị lựa chọn, nhận được {value}.",
        "{prefix}expected an option value, got {value}."),
    "error.review.not_option": (
        "{prefix}{value} không phải là một lựa chọn của {field}.",
        "{prefix}{value} is not an option of {field}."),
    "hint.review.use_one_of": (
        "Dùng một trong: {labels}; hoặc để trống.",
        "Use one of: {labels}; or leave it blank."),
    "error.review.empty_at": (
        "{where}: câu trả lời để trống.",
        "{where}: empty answer."),
    "error.review.empty": (
        "Câu trả lời để trống.",
        "Empty answer."),
    "error.review.not_answer": (
        "{prefix}{value} không phải là một câu trả lời của ô này.",
        "{prefix}{value} is not one of the answers for this field."),
    "hint.review.choose_one_of": (
        "Chọn một trong: {shown}.",
        "Choose one of: {shown}."),
    "error.web.reader_died": (
        "Tiến trình đọc phiếu dừng đột ngột (có thể một tệp làm hỏng thư viện đọc PDF/ảnh; mã "
        "thoát {exitcode}). Các tệp đã tải lên vẫn được giữ: bấm “Đọc lại”, hoặc tách tệp nghi "
        "hỏng ra.",
        "The reading process stopped suddenly (a file may have crashed the PDF/image library; exit"
        " code {exitcode}). The uploaded files are kept: press “Đọc lại” (read again), or set the "
        "suspect file aside."),
    "error.archive.pending_review": (
        "{count} phiếu của năm {year} vẫn đang chờ xem xét: hồ sơ niêm phong phải chứa dữ "
        "liệu đã chốt.",
        "{count} reading(s) of {year} still wait for review: a sealed archive must hold final "
        "records."),
    "hint.archive.finish_review": (
        "Xem xét xong (formkit review), lập lại báo cáo, rồi mới niêm phong năm đó.",
        "Finish the review (formkit review), write the report again, then seal the year."),
    "error.web.reader_internal": (
        "Lỗi nội bộ khi đọc phiếu: {detail}. Các tệp đã tải lên vẫn được giữ; bấm “Đọc lại”.",
        "Internal error while reading: {detail}. The uploaded files are kept; press “Đọc lại” "
        "(read again)."),
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
