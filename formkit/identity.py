"""Page identity printed in each page's QR code, shared by the renderer and the reader.

Format (ASCII, short so that the QR stays small and robust):
    FK1|<form>|<layout version>|<year>|<unit>|<serial>|<page>/<pages>
e.g. ``FK1|05-02|3f9a1c2e|2026|QLCN|17|1/2``. Serial 0 means an unnumbered copy.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

PREFIX = "FK1"
_PATTERN = re.compile(
    r"^FK1\|(?P<form>[0-9A-Za-z.\-]{1,20})\|(?P<layout>[0-9a-f]{8})\|(?P<year>\d{4})\|"
    r"(?P<unit>[0-9A-Za-z_\-]{0,12})\|(?P<serial>\d{1,7})\|(?P<page>\d{1,3})/(?P<pages>\d{1,3})$"
)


@dataclass(frozen=True)
class PageIdentity:
    form: str
    layout: str
    year: int
    unit: str
    serial: int
    page: int
    pages: int

    def encode(self) -> str:
        return (f"{PREFIX}|{self.form}|{self.layout}|{self.year}|{self.unit}|{self.serial}|"
                f"{self.page}/{self.pages}")

    @classmethod
    def decode(cls, text: str) -> PageIdentity:
        """Parse a QR payload; ValueError if it is not a formkit page identity."""
        m = _PATTERN.match(text.strip())
        if not m:
            raise ValueError(f"not a formkit page code: {text[:60]!r}")
        page, pages = int(m["page"]), int(m["pages"])
        if not 1 <= page <= pages:
            raise ValueError(f"page {page} of {pages} is impossible")
        return cls(m["form"], m["layout"], int(m["year"]), m["unit"], int(m["serial"]), page,
                   pages)

    @property
    def copy_key(self) -> tuple[str, str, int, str, int]:
        """Pages with the same copy key belong to one sheet (when the serial is not 0)."""
        return (self.form, self.layout, self.year, self.unit, self.serial)
