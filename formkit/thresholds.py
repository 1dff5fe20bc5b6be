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
    # a box whose shift differs from the page's smooth shift surface (boxes.shift_field)
    # by more than this (mm) was not found where its neighbours say: it does not vote
    shift_field_residual_mm: float = 0.5
    box_wide_search_mm: float = 3.2  # the search when a page's boxes all lie far off

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
    # a lone tick box (noi_dung.*) with this score on a quiet page is as sure as a clear
    # row: 1.5 × box_checked_min, three times box_empty_max
    flag_clear_score: float = 0.11
    faint_beside_mark_confidence: float = 0.85  # clear mark + pale trace in another box
    box_clear_mark_max: float = 0.5  # above this a mark is dense enough to be a cancellation
    # a mark is only as sure as a clear row makes it when its darkest part reaches this
    # share of the print's black: pencil reaches 0.33 and more on the hand-marks benchmark;
    # a stain's rim or a fold's shadow crossing a box stays near 0.25
    clear_mark_peak: float = 0.30
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

    # ---- the whole question (formkit.scan.question): ink that is not print, outside boxes
    # how far above and below a row's boxes its window reaches (mm); rows are 8 mm apart,
    # a mark is given to the row whose centre line is nearest, so overlap does no harm
    question_row_pad_mm: float = 4.0
    # printed content is widened by this much (mm) before it is subtracted: registration
    # left after the boxes' own shift is taken out, and the scanner's blur of the print
    question_print_margin_mm: float = 0.125
    # darkness (0 paper … 1 the print's black) a stray mark must reach, or this many times
    # the window's own noise (sigma of the unprinted paper), whichever is higher: pencil
    # reaches 0.3–0.5, paper noise of an office scan stays under 0.05
    question_ink_level: float = 0.2
    question_ink_sigmas: float = 5.0
    # on a page that does not lie flat a row's print is placed in pieces this wide (mm)
    question_piece_mm: float = 30.0
    # the page's faint background (show-through, scan.question.stray_ink): measured on
    # bare paper of the question rows at least this far (mm) from print and dark ink, as
    # this quantile of its darkness
    show_through_clear_mm: float = 1.0
    show_through_quantile: float = 0.99
    # a checked box's darkest ink must stand this far (share of the print's black) above
    # the page's show-through level, or the mark goes to review
    show_through_margin: float = 0.12
    # stray ink outside the boxes must stand this far above it (less: a mark missed there
    # is a silent blank, one too many is a row for review)
    show_through_stray_margin: float = 0.04
    # a connected trace smaller than this (mm², or shorter than the extent in mm) is a speck
    question_speck_mm2: float = 0.25
    question_speck_extent_mm: float = 1.2
    # of a trace, at least this much (mm²) must lie this far (mm) from any print: the
    # print's own thickening (copier, dark scan) hugs the glyphs
    question_away_mm2: float = 0.1
    question_away_mm: float = 0.375
    # an option label holding this much more ink (mm², and this share more) than its print
    # reads on this page (the median over the page's labels) carries a mark drawn on it
    label_ink_excess_mm2: float = 1.0
    label_ink_excess_share: float = 0.25
    # a row read as unanswered with at least this much stray ink (mm²) is not blank: an
    # underline is 2–3 mm², a tick beside a box 3–6, a circle 8–20
    stray_ink_min_mm2: float = 0.5
    # a trace outside the boxes counts for every row whose centre line is at most this much
    # (mm) further from it than the nearest row's: a mark in the gap between two rows
    stray_row_tie_mm: float = 1.5
    # an answered row with this much stray ink (mm²) by another option goes to review
    stray_other_min_mm2: float = 2.5
    # share of a row's stray ink by one option for the reader to name that option
    stray_single_share: float = 0.75
    stray_confidence: float = 0.4  # confidence of a reading from stray ink (→ review)

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

    # ---- review by a person (formkit.store.review.machine_offer)
    # OCR confidence from which the machine's text is pre-filled as the answer on the
    # transcription page; under it the reading is only a greyed hint. Measured with
    # benchmarks/review_effort.py (the lowest confidence whose readings are right ≥ 95 %
    # of the time); above 1 means never: no confidence level reached 95 % there (100 light
    # sheets, seed 5: 230 readings, 58 % right at ≥ 0.8, 69 % right at ≥ 0.95).
    text_prefill_confidence: float = 1.01
    # the review page groups tick items of one question and one machine reading by this many
    review_group_size: int = 30
    # the department's own form read by its wording (formkit.scan.legacy, issue 19)
    legacy_box_min_mm: float = 1.6  # a "□" glyph at 9 pt
    legacy_box_max_mm: float = 5.5
    legacy_label_min_score: float = 70.0  # fuzzy match of the words before a box
    legacy_location_quality: float = 0.92  # confidence factor: located by text, not marks
    legacy_unverified_factor: float = 0.9  # some boxes placed by order, label misread
    legacy_peer_factor: float = 0.95  # a box placed from its column in the other rows
    legacy_dense_mark_confidence: float = 0.95  # a lone dense mark in a "□" glyph box
    legacy_region_max_mm: float = 22.0  # a question's boxes lie this close below its wording
    legacy_zone_clear_mm: float = 2.0  # printed words end this far above a dotted line
    legacy_fingerprint_zone_ink: float = 0.015  # share of a zone inked: writing, not noise
    legacy_fingerprint_box_ink: float = 0.03  # share of a box's crop inked beyond its print
    legacy_element_match: float = 0.88  # a box's or zone's ink repeated stroke for stroke
    legacy_duplicate_strong: float = 0.60  # share of inked elements repeated: a re-scan
    legacy_duplicate_weak: float = 0.35  # above: possibly the same sheet, sent to review
    legacy_duplicate_min_elements: int = 3  # inked boxes/zones a sure duplicate rests on
    legacy_ocr_px_per_mm: float = 6.0  # the page's wording is OCR'd at this scale (150 dpi)
    legacy_box_after_mm: float = 12.0  # a box under a mark is sought this far after its label
    legacy_box_shift_max_mm: float = 1.4  # a box measured this far from where it was found


T = Thresholds()
