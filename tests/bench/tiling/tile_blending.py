"""How photos larger than a tile should be blended: the tiling contract's linear ramps
(docs/deployment.md) against nnU-Net's Gaussian weights, at several overlaps, on mosaics
of masonry224 val patches (--grid 3,4: two 672 x 896 photos; --grid 6,8: one 1344 x 1792
photo, the patches repeated mirrored), each needing tiles of 448. For each blend and overlap it prints the tiles run, how far the tiled map is from
the photo run whole in one pass (an export at the mosaic's size; mean |difference| also
within 16 px of the tiles' inner edges, where seams would show, and elsewhere), and the Dice of each
against the annotation. First it checks that its linear blend is the contract: the map
`crackkd infer` writes with the tile-size export (16-bit) must equal this script's.

    crackkd export best.pt --out t448.ts --size 448 448
    crackkd export best.pt --out whole.ts --size 672 896     # 1344 1792 with --grid 6,8
    OMP_NUM_THREADS=1 /usr/bin/python3 tests/bench/tiling/tile_blending.py --tile-model t448.ts \
        --whole-model whole.ts --data ../shared/data/masonry224/val --crackkd build/bin/crackkd

prints one line per blend and overlap."""
import argparse
import json
import os
import subprocess
import tempfile

import numpy as np
import torch
from PIL import Image

STRIDE = 32


def patches(folder):
    """The patches and their masks (crack = value >= 128), in name order."""
    out = []
    for name in sorted(os.listdir(os.path.join(folder, "images"))):
        stem = os.path.splitext(name)[0]
        mask = [m for m in os.listdir(os.path.join(folder, "masks")) if os.path.splitext(m)[0] == stem][0]
        out.append((np.asarray(Image.open(os.path.join(folder, "images", name)).convert("RGB")),
                    np.asarray(Image.open(os.path.join(folder, "masks", mask)).convert("L")) >= 128))
    return out


def mosaics(folder, rows, cols):
    """Photos of rows x cols patches, as many as the patches fill once; with fewer patches
    than one photo needs, one photo, the patches repeated mirrored left to right."""
    pool = patches(folder)
    count = max(1, len(pool) // (rows * cols))
    out = []
    for k in range(count):
        grid_i, grid_m = [], []
        for r in range(rows):
            row_i, row_m = [], []
            for c in range(cols):
                i = k * rows * cols + r * cols + c
                image, mask = pool[i % len(pool)]
                if i >= len(pool):
                    image, mask = image[:, ::-1], mask[:, ::-1]
                row_i.append(image)
                row_m.append(mask)
            grid_i.append(np.concatenate(row_i, 1))
            grid_m.append(np.concatenate(row_m, 1))
        out.append((np.ascontiguousarray(np.concatenate(grid_i, 0)), np.concatenate(grid_m, 0)))
    return out


def seam_band(shape, padded, tile, overlap, width=16):
    """Pixels within `width` of a tile edge that lies inside the photo, where seams would show."""
    band = np.zeros(padded, dtype=bool)
    for y0 in tile_starts(padded[0], tile, overlap):
        for edge in (y0, y0 + tile):
            if 0 < edge < padded[0]:
                band[max(edge - width, 0):edge + width, :] = True
    for x0 in tile_starts(padded[1], tile, overlap):
        for edge in (x0, x0 + tile):
            if 0 < edge < padded[1]:
                band[:, max(edge - width, 0):edge + width] = True
    return band[:shape[0], :shape[1]]


def tile_starts(length, tile, overlap):
    starts, p = [], 0
    while True:
        if p + tile >= length:
            starts.append(length - tile)
            return starts
        starts.append(p)
        p += tile - overlap


def linear_weights(start, length, tile, overlap):
    """The contract's: 0 over the outer quarter of the overlap on a shared side, then a ramp over its middle half."""
    w = np.ones(tile)
    if overlap == 0:
        return w
    centre = np.arange(tile) + 0.5
    zero, ramp = overlap / 4.0, overlap / 2.0
    if start > 0:
        w = np.minimum(w, np.clip((centre - zero) / ramp, 0, 1))
    if start + tile < length:
        w = np.minimum(w, np.clip((tile - centre - zero) / ramp, 0, 1))
    return w


def gaussian_weights(tile):
    """nnU-Net's importance map along one axis: a Gaussian of sigma tile/8 at the centre, max 1, no zeros."""
    centre = np.arange(tile) + 0.5 - tile / 2.0
    w = np.exp(-0.5 * (centre / (tile / 8.0)) ** 2)
    w /= w.max()
    return np.maximum(w, w[w > 0].min())


def tile_probabilities(model, photo, tile, overlap):
    """Each tile's probabilities, keyed by its (y, x), on the photo padded as the contract pads."""
    h, w = photo.shape[:2]
    ph = max(-(-h // STRIDE) * STRIDE, tile)
    pw = max(-(-w // STRIDE) * STRIDE, tile)
    x = torch.from_numpy(photo).permute(2, 0, 1).float().div(255).unsqueeze(0)
    x = torch.nn.functional.pad(x, (0, pw - w, 0, ph - h), mode="replicate")
    probs = {}
    with torch.no_grad():
        for y0 in tile_starts(ph, tile, overlap):
            for x0 in tile_starts(pw, tile, overlap):
                probs[(y0, x0)] = torch.sigmoid(model(x[:, :, y0:y0 + tile, x0:x0 + tile]))[0, 0].numpy()
    return probs, (ph, pw)


def blend(probs, padded, tile, overlap, kind, crop):
    ph, pw = padded
    total, weight = np.zeros(padded), np.zeros(padded)
    for (y0, x0), p in probs.items():
        if kind == "linear":
            wy, wx = linear_weights(y0, ph, tile, overlap), linear_weights(x0, pw, tile, overlap)
        else:
            wy = wx = gaussian_weights(tile)
        wt = np.outer(wy, wx)
        total[y0:y0 + tile, x0:x0 + tile] += wt * p
        weight[y0:y0 + tile, x0:x0 + tile] += wt
    return (total / weight)[:crop[0], :crop[1]]


def dice(a, b):
    return 2.0 * np.logical_and(a, b).sum() / max(a.sum() + b.sum(), 1)


def check_against_crackkd(args, photo, model, tile, threshold):
    """The script's linear blend must be the map crackkd infer writes."""
    with tempfile.TemporaryDirectory() as d:
        Image.fromarray(photo).save(os.path.join(d, "mosaic.png"))
        subprocess.run([args.crackkd, "infer", "--model", args.tile_model, os.path.join(d, "mosaic.png"), "--out",
                        os.path.join(d, "out"), "--probability-bits", "16", "--overlap", "64"],
                       check=True, capture_output=True)
        written = np.asarray(Image.open(os.path.join(d, "out", "mosaic_probability.png")), dtype=np.float64) / 65535
    probs, padded = tile_probabilities(model, photo, tile, 64)
    ours = blend(probs, padded, tile, 64, "linear", photo.shape[:2])
    print(f"check: crackkd infer's map vs this script's linear blend at overlap 64: max |diff| "
          f"{np.abs(written - ours).max():.2e}, masks differ on {((written > threshold) != (ours > threshold)).mean():.2e} "
          f"of the pixels")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--tile-model", required=True)
    parser.add_argument("--whole-model", required=True)
    parser.add_argument("--data", required=True)
    parser.add_argument("--crackkd")
    parser.add_argument("--overlaps", default="0,32,64,96,128,224")
    parser.add_argument("--grid", default="3,4", help="patches per photo: rows,cols (the whole model's size / 224)")
    args = parser.parse_args()
    extra = {"crackkd.json": ""}
    model = torch.jit.load(args.tile_model, _extra_files=extra).eval()
    meta = json.loads(extra["crackkd.json"])
    tile, threshold = meta["input"]["shape"][2], meta["threshold"]
    whole_model = torch.jit.load(args.whole_model).eval()
    rows, cols = (int(v) for v in args.grid.split(","))
    photos = mosaics(args.data, rows, cols)
    if args.crackkd:
        check_against_crackkd(args, photos[0][0], model, tile, threshold)
    whole = []
    for photo, _ in photos:
        with torch.no_grad():
            x = torch.from_numpy(photo).permute(2, 0, 1).float().div(255).unsqueeze(0)
            whole.append(torch.sigmoid(whole_model(x))[0, 0].numpy())
    truth = np.concatenate([m.ravel() for _, m in photos])
    whole_all = np.concatenate([p.ravel() for p in whole])
    print(f"model {meta['model']['plugin']} epoch {meta['model'].get('epoch')}, tile {tile}, threshold {threshold}, "
          f"{len(photos)} photos of {photos[0][0].shape[1]}x{photos[0][0].shape[0]}")
    print(f"whole: Dice vs annotation {dice(whole_all > threshold, truth):.4f}")
    for overlap in [int(o) for o in args.overlaps.split(",")]:
        tiled = [tile_probabilities(model, p, tile, overlap) for p, _ in photos]
        for kind in ("linear", "gaussian"):
            maps = [blend(t[0], t[1], tile, overlap, kind, p.shape[:2]) for t, (p, _) in zip(tiled, photos)]
            flat = np.concatenate([m.ravel() for m in maps])
            band = np.concatenate([seam_band(p.shape[:2], t[1], tile, overlap).ravel() for t, (p, _) in zip(tiled, photos)])
            print(f"{kind:8s} overlap {overlap:3d}: {sum(len(t[0]) for t in tiled):2d} tiles, vs whole: mask Dice "
                  f"{dice(flat > threshold, whole_all > threshold):.4f}, mean |p diff| {np.abs(flat - whole_all).mean():.4f}, "
                  f"max {np.abs(flat - whole_all).max():.3f}, near seams {np.abs(flat - whole_all)[band].mean():.4f} "
                  f"elsewhere {np.abs(flat - whole_all)[~band].mean():.4f}; vs annotation: Dice {dice(flat > threshold, truth):.4f}",
                  flush=True)


if __name__ == "__main__":
    main()
