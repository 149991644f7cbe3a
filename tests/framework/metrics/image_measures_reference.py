"""An independent, brute-force reading of CrackKD's crack-paper measures
(framework/metrics/image_measures.hpp), for tests/framework/metrics/image_measures_reference_test.cpp.

Reads images written by the test (logits and {0, 1} masks), writes one line per image:
the tolerance counts at the threshold, clDice, the centerline counts, the boundary counts,
then the tolerance counts at each sweep threshold 0.01 .. 0.99. Distances by comparing
every pair of pixels; skeletons by a plain Guo-Hall thinning written here (the
algorithm of scikit-image's `thin`).
Usage: image_measures_reference.py INPUT OUTPUT
"""
import math
import sys

import numpy as np


def near(mask, radius):
    """Pixels with a pixel of `mask` within `radius` (Euclidean)."""
    ys, xs = np.nonzero(mask)
    out = np.zeros(mask.shape, dtype=bool)
    if len(ys) == 0:
        return out
    for y in range(mask.shape[0]):
        for x in range(mask.shape[1]):
            out[y, x] = np.any((ys - y) ** 2 + (xs - x) ** 2 <= radius * radius + 1e-9)
    return out


def match(pred, truth, radius):
    return [int(np.sum(pred & near(truth, radius))), int(pred.sum()),
            int(np.sum(truth & near(pred, radius))), int(truth.sum())]


def guo_hall(mask):
    """Guo and Hall (CACM 1989), algorithm A1: two sub-iterations until nothing changes."""
    img = np.pad(mask.astype(np.uint8), 1)
    while True:
        changed = False
        for step in (0, 1):
            remove = np.zeros(img.shape, dtype=bool)
            for y in range(1, img.shape[0] - 1):
                for x in range(1, img.shape[1] - 1):
                    if not img[y, x]:
                        continue
                    p2, p3, p4, p5 = img[y - 1, x], img[y - 1, x + 1], img[y, x + 1], img[y + 1, x + 1]
                    p6, p7, p8, p9 = img[y + 1, x], img[y + 1, x - 1], img[y, x - 1], img[y - 1, x - 1]
                    c = ((not p2) and (p3 or p4)) + ((not p4) and (p5 or p6)) + \
                        ((not p6) and (p7 or p8)) + ((not p8) and (p9 or p2))
                    n1 = (p9 or p2) + (p3 or p4) + (p5 or p6) + (p7 or p8)
                    n2 = (p2 or p3) + (p4 or p5) + (p6 or p7) + (p8 or p9)
                    n = min(n1, n2)
                    m = ((p6 or p7 or not p9) and p8) if step == 0 else ((p2 or p3 or not p5) and p4)
                    if c == 1 and 2 <= n <= 3 and not m:
                        remove[y, x] = True
            if remove.any():
                img[remove] = 0
                changed = True
        if not changed:
            return img[1:-1, 1:-1].astype(bool)


def boundary(mask):
    padded = np.pad(mask, 1, mode="edge")
    inner = (padded[1:-1, 1:-1] & padded[:-2, 1:-1] & padded[2:, 1:-1] & padded[1:-1, :-2] & padded[1:-1, 2:])
    return mask & ~inner


def cl_dice(pred, truth):
    sp, st = guo_hall(pred), guo_hall(truth)
    tprec = np.sum(sp & truth) / sp.sum() if sp.sum() else 1.0
    tsens = np.sum(st & pred) / st.sum() if st.sum() else 1.0
    return 2 * tprec * tsens / (tprec + tsens) if tprec + tsens else 0.0


def centerline(pred, truth, radius):
    sp, st = guo_hall(pred), guo_hall(truth)
    tp = int(np.sum(st & near(sp, radius)))
    fp = int(np.sum(sp & ~near(st, radius)))
    return [tp, fp, int(st.sum()) - tp]


def main():
    lines = open(sys.argv[1]).read().split("\n")
    n, rows, cols = (int(v) for v in lines[0].split()[:3])
    tolerance, cl_tolerance, threshold = (float(v) for v in lines[0].split()[3:])
    out = []
    at = 1
    for _ in range(n):
        logits = np.array([[float(v) for v in lines[at + r].split()] for r in range(rows)])
        truth = np.array([[v == "1" for v in lines[at + rows + r].split()] for r in range(rows)])
        at += 2 * rows
        pred = logits > math.log(threshold / (1 - threshold))
        fields = match(pred, truth, tolerance) + [cl_dice(pred, truth)] + centerline(pred, truth, cl_tolerance)
        fields += match(boundary(pred), boundary(truth), tolerance)
        for k in range(1, 100):
            t = k / 100
            fields += match(logits > math.log(t / (1 - t)), truth, tolerance)
        out.append(" ".join(repr(float(f)) for f in fields))
    open(sys.argv[2], "w").write("\n".join(out) + "\n")


main()
