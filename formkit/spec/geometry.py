"""Print geometry of the forms, in mm: one table, so the writer, the layout extractor and
the tests agree. Margins follow Nghị định 30/2020 (top/bottom 20–25, left 30–35,
right 15–20 mm)."""

from __future__ import annotations

from dataclasses import dataclass

A4 = (210.0, 297.0)


@dataclass(frozen=True)
class PageGeometry:
    width: float
    height: float
    top: float
    bottom: float
    left: float
    right: float
    # marks and QR code sit 16 mm in from the paper's edge: a page printed at 110 % ("fit to
    # page" the wrong way) or with its margins cropped still shows all of them
    header_distance: float = 16.0
    footer_distance: float = 16.0

    @property
    def content_width(self) -> float:
        return self.width - self.left - self.right


PORTRAIT = PageGeometry(A4[0], A4[1], top=27.0, bottom=36.0, left=30.0, right=15.0)
LANDSCAPE = PageGeometry(A4[1], A4[0], top=26.0, bottom=37.0, left=20.0, right=15.0)

MARK_MM = 5.0  # registration mark: solid black square
MARK_CELL_MM = 9.0  # the table cell holding a mark (wider, so no margin clips it)
QR_MM = 18.0  # QR code with a one-module quiet zone
BOX_MM = 5.5  # tick box: drawn square, well over the 4 mm a pen needs
BOX_BORDER_PT = 1.0
BOX_GAP_ROW_MM = 2.5  # white space between rows of boxes, so strokes do not cross rows
TEXT_LINE_MM = 7.5  # ruled line pitch of free-text zones (handwriting)
GUIDE_RGB = (0x80, 0x80, 0x80)  # free-text guide lines: grey, so the reader tells them apart
BODY_PT = 13
SMALL_PT = 10
