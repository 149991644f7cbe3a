"""Python eager peer of tests/bench/inference_bench.cpp: PoolingCrack-Tiny ("B", 498,271
parameters) layer for layer as plugins/models/blocks builds it, the deformable
convolution in the same pure-PyTorch form (grid_sample + matmul), timed the same way.
Run with Debian's /usr/bin/python3 (python3-torch: the same LibTorch 1.13).

    /usr/bin/python3 tests/bench/python/pct_bench.py --size 224 --batch 1 --runs 20 --threads 2
prints: params=... median_ms=..."""
import argparse
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


class PatchEmbedding(nn.Module):
    def __init__(self, cin, cout, k, s, p, dense=False):
        super().__init__()
        if dense:  # the teacher's: one convolution
            self.spatial = nn.Conv2d(cin, cout, k, s, p)
            self.pointwise = nn.Identity()
        else:  # PCT's: depth-wise, then 1x1
            self.spatial = nn.Conv2d(cin, cin, k, s, p, groups=cin)
            self.pointwise = nn.Conv2d(cin, cout, 1)
        self.norm = nn.LayerNorm(cout)

    def forward(self, x):
        x = self.pointwise(self.spatial(x))
        return self.norm(x.permute(0, 2, 3, 1)).permute(0, 3, 1, 2)


class PoolingBlock(nn.Module):
    def __init__(self, c, hidden):
        super().__init__()
        self.norm1 = nn.GroupNorm(1, c)
        self.norm2 = nn.GroupNorm(1, c)
        self.fc1 = nn.Conv2d(c, hidden, 1)
        self.fc2 = nn.Conv2d(hidden, c, 1)
        self.layer_scale1 = nn.Parameter(torch.full((c, 1, 1), 1e-5))
        self.layer_scale2 = nn.Parameter(torch.full((c, 1, 1), 1e-5))

    def forward(self, x):
        y = self.norm1(x)
        x = x + self.layer_scale1 * (F.avg_pool2d(y, 3, 1, 1, count_include_pad=False) - y)
        return x + self.layer_scale2 * self.fc2(F.gelu(self.fc1(self.norm2(x))))


class Stage(nn.Module):
    def __init__(self, cin, cout, k, s, p, depth, hidden, dense=False):
        super().__init__()
        self.embed = PatchEmbedding(cin, cout, k, s, p, dense)
        self.blocks = nn.Sequential(*[PoolingBlock(cout, hidden) for _ in range(depth)])
        self.norm = nn.GroupNorm(1, cout)

    def forward(self, x):
        x = self.blocks(self.embed(x))
        return x, self.norm(x)


class FeatureSelection(nn.Module):
    def __init__(self, cin, cout, full=False):
        super().__init__()
        # full (the teacher's): a 1x1 over all channels; else each channel gates itself
        self.attention = nn.Conv2d(cin, cin, 1, bias=False) if full else nn.Conv2d(cin, cin, 1, groups=cin, bias=True)
        self.project = nn.Conv2d(cin, cout, 1, bias=False)

    def forward(self, x):
        gate = torch.sigmoid(self.attention(F.adaptive_avg_pool2d(x, 1)))
        return self.project(x + x * gate)


def modulated_deform_conv3x3(x, offset, mask, weight, bias, groups):
    b, c, h, w = x.shape
    tap = torch.arange(3, dtype=x.dtype) - 1
    tap_y = tap.repeat_interleave(3).view(1, 1, 9, 1, 1)
    tap_x = tap.repeat(3).view(1, 1, 9, 1, 1)
    ys = torch.arange(h, dtype=x.dtype).view(1, 1, 1, h, 1)
    xs = torch.arange(w, dtype=x.dtype).view(1, 1, 1, 1, w)
    off = offset.view(b, groups, 9, 2, h, w)
    gy = (ys + tap_y + off[:, :, :, 0]) * (2.0 / max(h - 1, 1)) - 1
    gx = (xs + tap_x + off[:, :, :, 1]) * (2.0 / max(w - 1, 1)) - 1
    grid = torch.stack([gx, gy], -1).view(b * groups, 9 * h, w, 2)
    sampled = F.grid_sample(x.reshape(b * groups, c // groups, h, w), grid, mode="bilinear",
                            padding_mode="zeros", align_corners=True)
    columns = (sampled.view(b, groups, c // groups, 9, h, w) * mask.view(b, groups, 1, 9, h, w)).reshape(b, c * 9, h * w)
    out = weight.reshape(weight.shape[0], c * 9).matmul(columns) + bias.view(1, -1, 1)
    return out.view(b, -1, h, w)


class FeatureAlignment(nn.Module):
    def __init__(self, cin, width, groups, full=False):
        super().__init__()
        self.groups = groups
        self.select = FeatureSelection(cin, width, full)
        self.offset = nn.Conv2d(2 * width, 27 * groups, 1)
        nn.init.zeros_(self.offset.weight)
        nn.init.zeros_(self.offset.bias)
        self.deform = nn.Conv2d(width, width, 3, padding=1)

    def forward(self, top, lateral):
        up = F.interpolate(top, size=lateral.shape[2:], mode="bilinear", align_corners=False)
        arm = self.select(lateral)
        off = self.offset(torch.cat([arm, 2 * up], 1))
        g = self.groups
        out = modulated_deform_conv3x3(up, off[:, :18 * g], torch.sigmoid(off[:, 18 * g:]), self.deform.weight,
                                       self.deform.bias, g)
        return F.relu(out) + arm


class PCT(nn.Module):
    """PoolingCrack-Tiny by default; PoolingCrack (the teacher) with teacher_options()."""

    def __init__(self, channels=(48, 96, 192, 384), hidden=(768, 48, 24, 24), width=48, groups=8,
                 depths=(2, 2, 2, 2), dense=False, full=False):
        super().__init__()
        self.stages = nn.ModuleList()
        cin = 3
        for i, c in enumerate(channels):
            k, s, p = (7, 4, 2) if i == 0 else (3, 2, 1)
            self.stages.append(Stage(cin, c, k, s, p, depths[i], hidden[i], dense))
            cin = c
        self.top = FeatureSelection(channels[3], width, full)
        self.align = nn.ModuleList([FeatureAlignment(channels[i], width, groups, full) for i in (2, 1, 0)])
        self.head = nn.Conv2d(width, 1, 1)

    def forward(self, images):
        features = []
        x = images
        for stage in self.stages:
            x, f = stage(x)
            features.append(f)
        y = self.top(features[3])
        for i, fam in enumerate(self.align):
            y = fam(y, features[2 - i])
        logits = F.interpolate(self.head(y), size=images.shape[2:], mode="bilinear", align_corners=False)
        return logits, features


def teacher_options():
    """PoolingCrack as plugins/models builds it by default (31,478,345 parameters)."""
    return dict(channels=(64, 128, 320, 512), hidden=(256, 512, 1280, 2048), width=128, groups=8,
                depths=(6, 6, 18, 6), dense=True, full=True)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", type=int, default=224)
    parser.add_argument("--batch", type=int, default=1)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    model = PCT().eval()
    x = torch.rand(args.batch, 3, args.size, args.size)
    with torch.inference_mode():
        for _ in range(3):
            model(x)
        times = []
        for _ in range(args.runs):
            start = time.perf_counter()
            model(x)
            times.append((time.perf_counter() - start) * 1000)
    times.sort()
    params = sum(p.numel() for p in model.parameters())
    print(f"params={params} median_ms={times[len(times) // 2]:.3f}")


if __name__ == "__main__":
    main()
