"""Personal data kept out of the store when the survey is anonymous ([privacy]
anonymous_surveys in formkit.toml, NĐ 13/2023/NĐ-CP): the respondent's name field is
stored blank, with no crop image and no OCR note, whatever the sheet carried."""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # importing formkit.scan at run time would load OpenCV for nothing
    from formkit.scan.result import SheetResult

#: fields of the survey that name the respondent
NAME_FIELDS = ("to_chuc",)


def without_names(sheet: SheetResult) -> SheetResult:
    """The sheet with its name fields blank (a copy; the reading itself is not changed)."""
    if not any(f in sheet.fields for f in NAME_FIELDS):
        return sheet
    fields = dict(sheet.fields)
    for fid in NAME_FIELDS:
        fr = fields.get(fid)
        if fr is not None:
            fields[fid] = dataclasses.replace(fr, value=None, status=type(fr.status)("blank"),
                                              confidence=1.0, boxes=[], text_confidence=None,
                                              crop=None, note="")
    return dataclasses.replace(sheet, fields=fields)
