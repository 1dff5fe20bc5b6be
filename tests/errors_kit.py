"""pytest.raises for formkit's errors, matched on their English rendering: the wording a test
pins is the catalogue's English (a person reads the Vietnamese, `FormkitError.message`)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest

from formkit.errors import FormkitError


def english(exc: BaseException) -> str:
    return exc.text("en") if isinstance(exc, FormkitError) else str(exc)


@contextmanager
def raises_en(kind: type[BaseException] | tuple[type[BaseException], ...], match: str
              ) -> Iterator[Any]:
    with pytest.raises(kind) as info:
        yield info
    assert re.search(match, english(info.value)), f"{match!r} not in {english(info.value)!r}"
