"""An independent, brute-force reading of CrackKD's crack-paper measures
(framework/metrics/image_measures.hpp), for tests/framework/metrics/image_measures_reference_test.cpp.

Reads images written by the test (logits and {0, 1} masks), writes one line per image:
the tolerance counts at the threshold, clDice, the centerline counts, the boundary counts,
then the tolerance counts at each sweep threshold 0.01 .. 0.99. Distances by comparing
every pair of pixels; skeletons by a plain Zhang-Suen thinning written here.
Usage: crack_measures_reference.py INPUT OUTPUT
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


def zhang_suen(mask):
    img = np.pad(mask.astype(np.uint8), 1)
    while True:
        changed = False
        for step in (0, 1):
            remove = np.zeros(img.shape, dtype=bool)
            for y in range(1, img.shape[0] - 1):
                for x in range(1, img.shape[1] - 1):
                    if not img[y, x]:
                        continue
                    p = [img[y - 1, x], img[y - 1, x + 1], img[y, x + 1], img[y + 1, x + 1],
                         img[y + 1, x], img[y + 1, x - 1], img[y, x - 1], img[y - 1, x - 1]]  # P2..P9
                    b = sum(p)
                    a = sum(1 for i in range(8) if p[i] == 0 and p[(i + 1) % 8] == 1)
                    p2, p4, p6, p8 = p[0], p[2], p[4], p[6]
                    if step == 0:
                        m1, m2 = p2 * p4 * p6, p4 * p6 * p8
                    else:
                        m1, m2 = p2 * p4 * p8, p2 * p6 * p8
                    if a == 1 and 2 <= b <= 6 and m1 == 0 and m2 == 0:
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
    sp, st = zhang_suen(pred), zhang_suen(truth)
    tprec = np.sum(sp & truth) / sp.sum() if sp.sum() else 1.0
    tsens = np.sum(st & pred) / st.sum() if st.sum() else 1.0
    return 2 * tprec * tsens / (tprec + tsens) if tprec + tsens else 0.0


def centerline(pred, truth, radius):
    sp, st = zhang_suen(pred), zhang_suen(truth)
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
