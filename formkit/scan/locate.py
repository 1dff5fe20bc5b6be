"""Find where the printed form lies in a page image: decode the QR code (page identity and
a first estimate of position, scale and orientation), then find the four registration
marks near where that estimate puts them and fit a homography. Works at any of the four
orientations, with skew, "fit to page" scaling, cropped margins and (within limits)
the perspective of a phone photo."""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np
import zxingcpp

from formkit.catalogue import Message, say
from formkit.identity import PageIdentity
from formkit.spec.layout import PageLayout, Rect
from formkit.thresholds import T

A4_LONG_MM = 297.0
_QR = cv2.QRCodeDetector()
# QR images are drawn with a one-module quiet zone: 33 modules + 2 (version 4)
QR_MODULES_WITH_BORDER = 35


class LocateError(Exception):
    """The page cannot be placed on a layout; `reason` is the page's rejection reason."""

    def __init__(self, reason: Message):
        super().__init__(reason.en())
        self.reason = reason


@dataclass
class QRHit:
    payload: str
    points: np.ndarray  # 4×2 corners in image px: QR's own top-left, top-right, br, bl


@dataclass
class Placement:
    identity: PageIdentity
    homography: np.ndarray  # layout mm → image px
    marks_found: int
    residual_mm: float
    rotation: int  # 0, 90, 180, 270: how the page lay in the scan
    px_per_mm: float  # scale of the scan

    @property
    def quality(self) -> float:
        """1.0 for a page held by four marks with a tight fit; lower otherwise."""
        q = {4: 1.0, 3: 0.9}.get(self.marks_found, 0.6)
        if self.residual_mm > T.max_mark_residual_mm:
            q *= 0.7
        return q


def estimate_px_per_mm(gray: np.ndarray, dpi: float | None) -> float:
    """Scan resolution in px/mm. The file's dpi is trusted only when it makes the image
    about a page long: phone photos say 72 dpi whatever they hold."""
    by_size = max(gray.shape) / A4_LONG_MM
    if dpi:
        by_dpi = dpi / 25.4
        if 0.6 <= by_size / by_dpi <= 1.6:
            return by_dpi
    return by_size


_QR_ARUCO = cv2.QRCodeDetectorAruco()
_ZX_QR = zxingcpp.BarcodeFormat.QRCode


def _zxing(img: np.ndarray) -> tuple[str, np.ndarray] | None:
    """ZXing-C++ reads codes blurred down to 2–3 px a module that OpenCV gives up on (a
    150-dpi photocopy, a JPEG at quality 40), in a few milliseconds a page corner."""
    try:
        found = zxingcpp.read_barcodes(img, formats=_ZX_QR,
                                       binarizer=zxingcpp.Binarizer.LocalAverage)
    except (RuntimeError, ValueError):
        return None
    for hit in sorted(found, key=lambda r: not r.text.startswith("FK1|")):
        if not hit.text:
            continue
        p = hit.position
        # the symbol's own corners, in the order OpenCV gives them: TL, TR, BR, BL
        pts = np.array([[p.top_left.x, p.top_left.y], [p.top_right.x, p.top_right.y],
                        [p.bottom_right.x, p.bottom_right.y],
                        [p.bottom_left.x, p.bottom_left.y]], dtype=np.float64)
        return hit.text, pts
    return None


def decode_qr(img: np.ndarray, second_opinion: bool = False) -> tuple[str, np.ndarray] | None:
    """Text and corners (image px, the symbol's TL, TR, BR, BL) of a QR code in a grey
    image, or None. ZXing-C++ first, then OpenCV's detector; with second_opinion also
    OpenCV's ArUco-based detector, which finds the finder patterns differently (slower,
    used on retries)."""
    hit = _zxing(img)
    if hit:
        return hit
    for detector in (_QR, _QR_ARUCO) if second_opinion else (_QR,):
        try:
            text, pts, _ = detector.detectAndDecode(img)
        except cv2.error:
            continue
        if text and pts is not None:
            return text, pts.reshape(-1, 2).astype(np.float64)
    return None


def _corner_crops(shape: tuple[int, int], side_frac: float = 0.28):
    """Square crops at the four corners (bottom-right first: the upright position), each
    large enough to hold the QR code whatever the page's orientation."""
    h, w = shape
    side = int(max(h, w) * side_frac)
    sx, sy = min(side, w), min(side, h)
    return [(h - sy, h, w - sx, w), (0, sy, 0, sx), (0, sy, w - sx, w), (h - sy, h, 0, sx)]


THUMB_PX_PER_MM = 2.5


def thumbnail(gray: np.ndarray, px_per_mm: float) -> np.ndarray:
    """The page at 2.5 px/mm: enough to find the QR code and to tell a blank page."""
    s = THUMB_PX_PER_MM / px_per_mm
    return cv2.resize(gray, None, fx=s, fy=s, interpolation=cv2.INTER_AREA)


def _qr_candidates(gray: np.ndarray, px_per_mm: float, window_mm: float = 15.0,
                   thumb: np.ndarray | None = None) -> list[tuple[float, float]]:
    """Likely QR centres (image px), best first: in each corner, the spot with the densest
    edges over a window the size of the code (its modules flip every half millimetre; text
    is sparser and a solid mark has edges only at its border). On simulated scans the best
    spot lies within 3 mm of the QR centre."""
    s = THUMB_PX_PER_MM / px_per_mm
    if thumb is None:
        thumb = thumbnail(gray, px_per_mm)
    tiny = thumb.astype(np.float32)
    k = max(3, int(window_mm * THUMB_PX_PER_MM) | 1)
    edges = np.abs(cv2.Sobel(tiny, cv2.CV_32F, 1, 0)) + np.abs(cv2.Sobel(tiny, cv2.CV_32F, 0, 1))
    score = cv2.boxFilter(edges, -1, (k, k))
    found = []
    for Y0, Y1, X0, X1 in _corner_crops(tiny.shape):
        region = score[Y0:Y1, X0:X1]
        if region.size == 0:
            continue
        iy, ix = np.unravel_index(int(np.argmax(region)), region.shape)
        found.append((float(region[iy, ix]), (X0 + ix) / s, (Y0 + iy) / s))
    found.sort(reverse=True)
    return [(x, y) for _, x, y in found]


def _otsu_closed(img: np.ndarray) -> np.ndarray:
    binary = cv2.threshold(cv2.GaussianBlur(img, (3, 3), 0), 0, 255,
                           cv2.THRESH_BINARY | cv2.THRESH_OTSU)[1]
    # closing on the dark modules = opening of the white background
    return cv2.morphologyEx(binary, cv2.MORPH_OPEN, np.ones((3, 3), np.uint8))


def _despeckled(img: np.ndarray) -> np.ndarray:
    """Dark specks smaller than a module (dust, toner) removed: a grey closing."""
    return cv2.morphologyEx(img, cv2.MORPH_CLOSE, np.ones((3, 3), np.uint8))


def find_qr(gray: np.ndarray, px_per_mm: float, thumb: np.ndarray | None = None
            ) -> QRHit | None:
    """Decode the QR code. Fast path: small crops around the most QR-like spot of each
    corner, at ~8 px/mm (4 px per module). Then harder: whole corners at other scales,
    binarised, and finally the whole page."""
    h, w = gray.shape
    half = int(16.0 * px_per_mm)
    base = min(1.6, 8.0 / px_per_mm)
    candidates = _qr_candidates(gray, px_per_mm, thumb=thumb)
    # first pass at ~4 px a module; then, around the two likeliest spots only, larger
    # (a phone photo's paper fills less of the frame than its size suggests) and with the
    # second detector; last at 12 px a module, where a code blurred by a 150-dpi copy
    # gets its modules back
    for factor, spots, hard in ((1.0, 3, False), (1.5, 2, True), (2.0, 2, True),
                                (3.0, 2, False)):
        s = base * factor
        s = 1.0 if abs(s - 1.0) < 0.08 else s
        for cx, cy in candidates[:spots]:
            X0, Y0 = max(0, int(cx) - half), max(0, int(cy) - half)
            X1, Y1 = min(w, int(cx) + half), min(h, int(cy) + half)
            crop = gray[Y0:Y1, X0:X1]
            if s != 1.0:
                crop = cv2.resize(crop, None, fx=s, fy=s,
                                  interpolation=cv2.INTER_AREA if s < 1 else cv2.INTER_CUBIC)
            hit = decode_qr(crop, second_opinion=hard)
            if hit is None:
                # toner speckle and JPEG noise break modules apart: threshold, then close
                hit = decode_qr(_otsu_closed(crop), second_opinion=hard)
            if hit is None:
                # a dust speck on a finder pattern hides the code from the detector
                hit = decode_qr(_despeckled(crop), second_opinion=hard)
            if hit:
                return QRHit(hit[0], hit[1] / s + [X0, Y0])
    tried: set[tuple[float, bool]] = set()
    for target, binarise in ((8.0, False), (11.0, False), (6.0, False), (8.0, True)):
        s = min(1.6, target / px_per_mm)
        if abs(s - 1.0) < 0.08:
            s = 1.0
        if (s, binarise) in tried:
            continue
        tried.add((s, binarise))
        for Y0, Y1, X0, X1 in _corner_crops(gray.shape):
            crop = gray[Y0:Y1, X0:X1]
            if s != 1.0:
                crop = cv2.resize(crop, None, fx=s, fy=s,
                                  interpolation=cv2.INTER_AREA if s < 1 else cv2.INTER_CUBIC)
            if binarise:
                crop = cv2.adaptiveThreshold(cv2.GaussianBlur(crop, (3, 3), 0), 255,
                                             cv2.ADAPTIVE_THRESH_GAUSSIAN_C, cv2.THRESH_BINARY,
                                             31, 10)
            hit = (decode_qr(crop, binarise) or decode_qr(_otsu_closed(crop), binarise)
                   or decode_qr(_despeckled(crop), binarise))
            if hit:
                return QRHit(hit[0], hit[1] / s + [X0, Y0])
    s = min(1.0, 8.0 / px_per_mm)
    img = cv2.resize(gray, None, fx=s, fy=s, interpolation=cv2.INTER_AREA) if s < 1 else gray
    hit = decode_qr(img)
    if hit:
        return QRHit(hit[0], hit[1] / s)
    return None


def qr_layout_corners(qr: Rect) -> np.ndarray:
    """The QR symbol's corners (without its quiet zone) in layout mm, in QR order."""
    m = qr.w / QR_MODULES_WITH_BORDER
    x0, y0, x1, y1 = qr.x + m, qr.y + m, qr.x + qr.w - m, qr.y + qr.h - m
    return np.array([[x0, y0], [x1, y0], [x1, y1], [x0, y1]], dtype=np.float64)


def _apply(H: np.ndarray, pts: np.ndarray) -> np.ndarray:
    p = np.hstack([pts, np.ones((len(pts), 1))]) @ H.T
    return p[:, :2] / p[:, 2:3]


def _affine_h(src: np.ndarray, dst: np.ndarray) -> np.ndarray:
    """Least-squares affine map src → dst as a 3×3 matrix."""
    a = np.hstack([src, np.ones((len(src), 1))])
    sol, *_ = np.linalg.lstsq(a, dst, rcond=None)
    H = np.eye(3)
    H[:2, :] = sol.T
    return H


def _find_mark(gray: np.ndarray, center: np.ndarray, side_px: float, radius_px: float
               ) -> np.ndarray | None:
    """Centre of the solid square mark nearest to `center`, or None."""
    h, w = gray.shape
    cx, cy = center
    x0, x1 = int(max(0, cx - radius_px)), int(min(w, cx + radius_px))
    y0, y1 = int(max(0, cy - radius_px)), int(min(h, cy + radius_px))
    if x1 - x0 < side_px or y1 - y0 < side_px:
        return None
    win = gray[y0:y1, x0:x1]
    blur = cv2.GaussianBlur(win, (3, 3), 0)
    otsu, binary = cv2.threshold(blur, 0, 255, cv2.THRESH_BINARY_INV | cv2.THRESH_OTSU)
    if float(np.percentile(blur, 95)) - otsu < 25:  # no contrast: nothing printed here
        return None
    n, _labels, stats, cents = cv2.connectedComponentsWithStats(binary, connectivity=8)
    expected = side_px * side_px
    best, best_d = None, None
    for i in range(1, n):
        bx, by, bw, bh, area = stats[i]
        if not 0.45 * expected <= area <= 1.9 * expected:
            continue
        if not 0.6 <= bw / max(bh, 1) <= 1.6:
            continue
        if area / float(bw * bh) < 0.62:  # solid, not a ring or a letter
            continue
        # a mark cut by the image edge has a wrong centre
        if (x0 + bx <= 0 or y0 + by <= 0 or x0 + bx + bw >= w or y0 + by + bh >= h):
            continue
        c = cents[i] + [x0, y0]
        d = float(np.hypot(*(c - center)))
        if best_d is None or d < best_d:
            best, best_d = c, d
    return best


def place(gray: np.ndarray, dpi: float | None, qr: QRHit, identity: PageIdentity,
          page: PageLayout) -> Placement:
    """Fit layout mm → image px from the QR corners and the registration marks."""
    qr_mm = qr_layout_corners(page.qr)
    H = _affine_h(qr_mm, qr.points)
    ppm_measured = float(np.sqrt(abs(np.linalg.det(H[:2, :2]))))
    mark_mm = np.array([[m.cx, m.cy] for m in page.marks])
    # nearest marks first: each found mark sharpens the estimate for the farther ones
    order = np.argsort(np.hypot(*(mark_mm - [page.qr.cx, page.qr.cy]).T))
    found: dict[int, np.ndarray] = {}
    side_px = page.marks[0].w * ppm_measured
    # wider rounds find the far marks of a photo taken at an angle, once the near ones have
    # corrected the estimate: marks near the QR code along one edge leave the page's height
    # to extrapolate (a 15 % keystone puts the far marks ~30 mm from where the affine fit
    # expects them). A wrong square found this far out is caught by the QR check below
    for radius_mm in (T.mark_search_mm, 2.2 * T.mark_search_mm, 3.6 * T.mark_search_mm):
        for idx in order:
            if idx in found:
                continue
            predicted = _apply(H, mark_mm[idx:idx + 1])[0]
            hit = _find_mark(gray, predicted, side_px, radius_mm * ppm_measured)
            if hit is None:
                continue
            found[idx] = hit
            src = np.vstack([qr_mm] + [mark_mm[i:i + 1] for i in found])
            dst = np.vstack([qr.points] + [found[i][None, :] for i in found])
            # affine until all four marks are known: a perspective fit to a few points
            # close together extrapolates badly to the far corners
            H = _affine_h(src, dst)
        if len(found) == 4:
            break
    if len(found) == 4:
        src = mark_mm
        dst = np.array([found[i] for i in range(4)])
        H4 = cv2.getPerspectiveTransform(src.astype(np.float32), dst.astype(np.float32))
        # keep the 4-mark fit unless it disagrees wildly with the QR (a mis-detected mark)
        err_qr = np.hypot(*(_apply(H4, qr_mm) - qr.points).T).max() / ppm_measured
        if err_qr < 3.0:
            H = H4
    residual = 0.0
    if found:
        pts = np.array([found[i] for i in found])
        pred = _apply(H, mark_mm[list(found)])
        residual = float(np.hypot(*(pred - pts).T).max() / ppm_measured)
    if len(found) < 2 and ppm_measured < 2.0:
        raise LocateError(say("page.too_coarse"))
    vx = _apply(H, np.array([[0.0, 0.0], [10.0, 0.0]]))
    angle = np.degrees(np.arctan2(vx[1, 1] - vx[0, 1], vx[1, 0] - vx[0, 0])) % 360
    rotation = int(round(angle / 90.0)) % 4 * 90
    return Placement(identity, H, len(found), residual, rotation, ppm_measured)


def warp_to_layout(gray: np.ndarray, placement: Placement, page_size_mm: tuple[float, float],
                   px_per_mm: float) -> np.ndarray:
    """The page resampled onto layout coordinates at px_per_mm (pixel = mm × px_per_mm)."""
    w = int(round(page_size_mm[0] * px_per_mm))
    h = int(round(page_size_mm[1] * px_per_mm))
    S = np.diag([1.0 / px_per_mm, 1.0 / px_per_mm, 1.0])
    M = placement.homography @ S
    return cv2.warpPerspective(gray, M, (w, h), flags=cv2.INTER_LINEAR | cv2.WARP_INVERSE_MAP,
                               borderMode=cv2.BORDER_CONSTANT, borderValue=255)


class AlignedPage:
    """The page on layout coordinates at px_per_mm, resampled lazily: reading tick boxes
    needs only small windows around them, so the whole page is warped only when free text
    is read or an overlay is drawn."""

    def __init__(self, gray: np.ndarray, placement: Placement,
                 page_size_mm: tuple[float, float], px_per_mm: float):
        self.gray = gray
        self.placement = placement
        self.ppm = px_per_mm
        self.shape = (int(round(page_size_mm[1] * px_per_mm)),
                      int(round(page_size_mm[0] * px_per_mm)))
        self._M = placement.homography @ np.diag([1.0 / px_per_mm, 1.0 / px_per_mm, 1.0])
        self._full: np.ndarray | None = None

    def crop(self, x0: int, y0: int, x1: int, y1: int) -> np.ndarray:
        """Aligned pixels [y0:y1, x0:x1] (clipped to the page)."""
        h, w = self.shape
        x0, y0, x1, y1 = max(0, x0), max(0, y0), min(w, x1), min(h, y1)
        if self._full is not None:
            return self._full[y0:y1, x0:x1]
        if x1 <= x0 or y1 <= y0:
            return np.full((max(0, y1 - y0), max(0, x1 - x0)), 255, np.uint8)
        shift = np.array([[1.0, 0.0, x0], [0.0, 1.0, y0], [0.0, 0.0, 1.0]])
        return cv2.warpPerspective(self.gray, self._M @ shift, (x1 - x0, y1 - y0),
                                   flags=cv2.INTER_LINEAR | cv2.WARP_INVERSE_MAP,
                                   borderMode=cv2.BORDER_CONSTANT, borderValue=255)

    def full(self) -> np.ndarray:
        if self._full is None:
            h, w = self.shape
            self._full = cv2.warpPerspective(self.gray, self._M, (w, h),
                                             flags=cv2.INTER_LINEAR | cv2.WARP_INVERSE_MAP,
                                             borderMode=cv2.BORDER_CONSTANT, borderValue=255)
        return self._full

    def scaled(self, px_per_mm: float) -> np.ndarray:
        """The whole page at another resolution (for overlays)."""
        h = int(round(self.shape[0] * px_per_mm / self.ppm))
        w = int(round(self.shape[1] * px_per_mm / self.ppm))
        M = self.placement.homography @ np.diag([1.0 / px_per_mm, 1.0 / px_per_mm, 1.0])
        return cv2.warpPerspective(self.gray, M, (w, h),
                                   flags=cv2.INTER_AREA | cv2.WARP_INVERSE_MAP,
                                   borderMode=cv2.BORDER_CONSTANT, borderValue=255)
