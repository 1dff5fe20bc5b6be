"""Tesseract (through pytesseract): the only place formkit runs OCR.

Find the program, check that the Vietnamese model is installed, run it with a timeout and
return the recognised words with their confidences. Every failure becomes an
ExternalProgramError whose hint names the Debian package to install.

Only `-l vie` is used: `vie+eng` makes Tesseract prefer the English reading of a word and
drops the diacritics ("Dak Lak" for "Đắk Lắk"), see the domain notes.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pytesseract
from PIL import Image

from formkit.catalogue import say
from formkit.errors import ExternalProgramError
from formkit.textnorm import nfc

LANG = "vie"
#: Debian packages, named in the hints
APT_PROGRAM = "tesseract-ocr"
APT_LANG = {"vie": "tesseract-ocr-vie", "Vietnamese": "tesseract-ocr-script-viet"}
MIN_MAJOR = 4  # the LSTM engine; 3.x has no usable Vietnamese model
DEFAULT_TIMEOUT_S = 20.0


@dataclass(frozen=True)
class OcrWord:
    """One word as Tesseract read it. Coordinates are pixels of the image given."""

    text: str  # NFC
    confidence: float  # 0..1
    left: int
    top: int
    width: int
    height: int
    line: tuple[int, int, int]  # (block, paragraph, line) numbers: words of a line share it


def find_tesseract() -> str:
    """Path of the tesseract program (FORMKIT_TESSERACT overrides the search)."""
    override = os.environ.get("FORMKIT_TESSERACT")
    if override:
        if (os.path.isfile(override) and os.access(override, os.X_OK)) or shutil.which(
            override
        ):
            return override
        raise ExternalProgramError(
            say("error.exec.override_missing", variable="FORMKIT_TESSERACT", path=override),
            hint=say("hint.exec.override", variable="FORMKIT_TESSERACT", program="tesseract"))
    path = shutil.which("tesseract")
    if path:
        return path
    raise ExternalProgramError(
        say("error.tesseract.missing"),
        hint=say("hint.tesseract.install", packages=f"{APT_PROGRAM} {APT_LANG[LANG]}"))


@lru_cache(maxsize=4)
def _checked(cmd: str, lang: str) -> str:
    """Version and language check, once per program and language (each costs a process)."""
    pytesseract.pytesseract.tesseract_cmd = cmd
    try:
        version = pytesseract.get_tesseract_version()
        langs = set(pytesseract.get_languages(config=""))
    except pytesseract.TesseractNotFoundError:
        raise ExternalProgramError(
            say("error.tesseract.start", cmd=cmd),
            hint=say("hint.tesseract.reinstall", packages=f"--reinstall {APT_PROGRAM}"),
        ) from None
    except (OSError, pytesseract.TesseractError) as exc:
        raise ExternalProgramError(say("error.tesseract.version", cmd=cmd,
                                       detail=str(exc))) from exc
    major = getattr(version, "major", None)
    if major is not None and major < MIN_MAJOR:
        raise ExternalProgramError(
            say("error.tesseract.old", version=str(version), needed=MIN_MAJOR),
            hint=say("hint.tesseract.current", package=APT_PROGRAM))
    missing = [part for part in lang.split("+") if part not in langs]
    if missing:
        pkgs = " ".join(APT_LANG.get(m, f"tesseract-ocr-{m.lower()}") for m in missing)
        raise ExternalProgramError(
            say("error.tesseract.language", missing=", ".join(missing),
                installed=", ".join(sorted(langs)) or "—"),
            hint=say("hint.tesseract.install_lang", packages=pkgs))
    return str(version)


def check_tesseract(lang: str = LANG) -> str:
    """Raise ExternalProgramError unless Tesseract and the language model are usable;
    return the Tesseract version."""
    return _checked(find_tesseract(), lang)


def _to_pil(image: np.ndarray | Image.Image) -> Image.Image:
    if isinstance(image, Image.Image):
        return image
    if image.dtype != np.uint8:
        image = np.clip(image, 0, 255).astype(np.uint8)
    return Image.fromarray(image)


def ocr_words(image: np.ndarray | Image.Image, *, psm: int = 6, lang: str = LANG,
              dpi: int | None = None, timeout: float = DEFAULT_TIMEOUT_S,
              config: str = "") -> list[OcrWord]:
    """Run Tesseract on one image (grayscale or binary, dark text on white) and return the
    words it found, in reading order, with confidences 0..1.

    `dpi` tells Tesseract the resolution, which it otherwise guesses (badly for strips).
    """
    cmd = find_tesseract()
    _checked(cmd, lang)
    pytesseract.pytesseract.tesseract_cmd = cmd
    # Tesseract's OpenMP threads make a small image slower, not faster, and compete with
    # the batch's own worker processes: one thread per call unless the user chose otherwise.
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    opts = [f"--psm {int(psm)}", "--oem 1"]
    if dpi:
        opts.append(f"--dpi {int(dpi)}")
    if config:
        opts.append(config)
    try:
        data = pytesseract.image_to_data(_to_pil(image), lang=lang, config=" ".join(opts),
                                         output_type=pytesseract.Output.DICT,
                                         timeout=timeout)
    except pytesseract.TesseractNotFoundError:
        _checked.cache_clear()
        raise ExternalProgramError(
            say("error.tesseract.gone", cmd=cmd),
            hint=say("hint.tesseract.reinstall",
                     packages=f"{APT_PROGRAM} {APT_LANG.get(lang, '')}".strip()),
        ) from None
    except pytesseract.TesseractError as exc:
        raise ExternalProgramError(
            say("error.tesseract.failed", status=exc.status,
                detail=str(exc.message).strip()[:300])) from exc
    except RuntimeError as exc:  # pytesseract reports its timeout as a bare RuntimeError
        if "timeout" in str(exc).lower():
            raise ExternalProgramError(say("error.tesseract.timeout", seconds=f"{timeout:.0f}"),
                                       hint=say("hint.tesseract.timeout")) from None
        raise ExternalProgramError(say("error.tesseract.run", detail=str(exc))) from exc
    except OSError as exc:
        raise ExternalProgramError(say("error.tesseract.run", detail=str(exc))) from exc
    words: list[OcrWord] = []
    for i, raw in enumerate(data.get("text", [])):
        text = nfc(raw)
        try:
            conf = float(data["conf"][i])
        except (TypeError, ValueError):
            continue
        if not text or conf < 0:  # conf -1: a block/line record, not a word
            continue
        words.append(OcrWord(
            text=text, confidence=max(0.0, min(1.0, conf / 100.0)),
            left=int(data["left"][i]), top=int(data["top"][i]),
            width=int(data["width"][i]), height=int(data["height"][i]),
            line=(int(data["block_num"][i]), int(data["par_num"][i]), int(data["line_num"][i])),
        ))
    return words
