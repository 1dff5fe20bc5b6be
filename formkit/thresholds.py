"""Every tunable threshold of formkit in one table (SDAPS keeps its defs.py the same way).
Values are fractions unless the name says otherwise. Change them here, nowhere else."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Thresholds:
    # ---- page intake
    max_image_pixels: int = 12000 * 12000  # larger images are refused (decompression bombs)
    min_dpi: float = 100.0  # below this a page is too coarse to read boxes reliably
    blank_page_ink: float = 0.002  # dark-pixel share under which a page is blank
    work_px_per_mm: float = 8.0  # aligned page resolution (≈ 203 dpi)
    min_page_side_px: int = 100  # an image narrower than this is not a page
    max_page_aspect: float = 5.0  # long side / short side above this: a strip, not a page

    # ---- registration
    mark_search_mm: float = 14.0  # radius around a predicted mark centre
    max_mark_residual_mm: float = 1.2  # homography fit error above which a page is suspect
    box_search_mm: float = 1.6  # how far a printed box may be from its layout place

    # ---- tick boxes (score = ink share of the box interior after border removal)
    box_empty_max: float = 0.035  # at most this much ink: empty
    box_checked_min: float = 0.075  # at least this much: checked
    box_dot_min: float = 0.035  # a compact mark in the middle (a dot) needs only this much
    box_faint_trace: float = 0.6  # a faint connected trace spanning this share of the middle
    box_faint_line: float = 0.10  # mean darkness along the best straight faint stroke
    box_circle_segments: int = 6  # of 11 segments around an empty box inked: circled?
    box_circle_clear: int = 8  # this many: clearly circled (an answer if alone in its row)
    box_filled_min: float = 0.88  # interior covered this much: completely filled (cancelled)
    box_filled_uncertain: float = 0.74  # between this and filled_min: dense scribble or fill?
    fill_cancels: bool = True  # a completely filled box cancels the mark (SDAPS checkcorrect)

    # ---- decisions
    review_confidence: float = 0.80  # fields under this confidence go to review
    clear_row_confidence: float = 0.9  # one checked box, the rest of the row clean
    faint_beside_mark_confidence: float = 0.85  # clear mark + pale trace in another box
    box_clear_mark_max: float = 0.5  # above this a mark is dense enough to be a cancellation
    clear_mark_confidence: float = 0.80  # a checked box this sure outweighs pale traces beside it
    # a page whose faint-stroke floor (page_line_floor) is above this is too noisy to
    # confirm that a row is unanswered: a pale pencil tick would not stand out
    noisy_page_line_floor: float = 0.15
    noisy_blank_confidence: float = 0.6  # confidence of an unanswered row on such a page
    # this many questions of a page holding nothing but a pale trace: the hand is pale, and
    # its rows read as unanswered get noisy_blank_confidence too
    pale_hand_rows: int = 3
    # a filled box (cancelled by fill_cancels) with no other answer in its question: it
    # may be the answer filled in, not a cancellation
    lone_fill_confidence: float = 0.6
    circled_confidence: float = 0.82  # one clearly circled box, the rest of the row clean

    # ---- free text
    text_ink_min: float = 0.004  # ink share of a zone under which it is empty (no OCR)
    ocr_review_confidence: float = 0.80  # OCR mean word confidence under which → review
    # a zone is blank only if its ink share is under text_ink_min AND its written ink is
    # under this many mm²: a short answer ("Có", "Tốt") covers 3–6 mm², 0.2–0.3 % of a zone
    text_ink_min_mm2: float = 1.5

    # ---- annual evaluation (report proposals)
    # a criterion whose "Chưa đạt yêu cầu" share of valid answers is above this gets a
    # proposal and a suggested corrective action (QT.SCT.04) in the annual report
    unsatisfied_share_max: float = 0.10
    # a paper survey return rate under this is named as a limit of the evaluation
    response_rate_min: float = 0.50
    # significance level of the year-on-year and quarter comparisons (two-sided)
    comparison_alpha: float = 0.05


T = Thresholds()
