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
