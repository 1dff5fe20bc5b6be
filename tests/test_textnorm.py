"""Vietnamese text helpers: NFC, accent-insensitive matching, edit distance."""

import unicodedata

from formkit.textnorm import contains_folded, fold, levenshtein, nfc


def test_nfc_composes_decomposed_vietnamese_and_collapses_spaces():
    decomposed = unicodedata.normalize("NFD", "Đắk  Lắk\n")
    assert nfc(decomposed) == "Đắk Lắk"
    assert unicodedata.is_normalized("NFC", nfc(decomposed))


def test_fold_drops_tones_and_maps_d_bar():
    assert fold("Phiền hà, SÁCH NHIỄU – Đắk Lắk") == "phien ha, sach nhieu – dak lak"


def test_keyword_matching_ignores_accents_but_respects_word_boundaries():
    assert contains_folded("Công chức gây phiền hà cho dân", "phien ha")
    assert not contains_folded("Thời hạn", "han quy")
    assert not contains_folded("phiền hàng", "phien ha")


def test_levenshtein_counts_insertions_deletions_and_substitutions():
    assert levenshtein("Giấy phép", "Giây phép") == 1
    assert levenshtein("", "abc") == 3
    assert levenshtein("kitten", "sitting") == 3
