"""Python eager peer of tests/bench/rfkd_step_bench.cpp: one RFKD distillation step as a
PyTorch user writes it: the PoolingCrack teacher's forward under torch.no_grad(), the
PCT student's forward, 1x1 connectors onto the teacher's channels, four feature terms
(0.25 each, RMS Frobenius distance), the logit term on probabilities, Dice on the mask,
backward, AdamW. Run with Debian's /usr/bin/python3 (python3-torch: the same LibTorch).

    /usr/bin/python3 tests/bench/python/rfkd_step_bench.py --size 224 --batch 2 --steps 10 --threads 2
prints: teacher_params=... student_params=... step_ms=..."""
import argparse
import os
import sys
import time

import torch
import torch.nn as nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from pct_bench import PCT, teacher_options  # noqa: E402


def rms_distance(a, b):
    diff = (a - b).flatten(1)
    return (diff.norm(2, 1) / diff.shape[1] ** 0.5).mean()


def dice_loss(logits, masks, eps=1e-7):
    p = torch.sigmoid(logits).flatten(1)
    m = masks.flatten(1)
    return 1 - ((2 * (p * m).sum(1) + eps) / (p.sum(1) + m.sum(1) + eps)).mean()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", type=int, default=224)
    parser.add_argument("--batch", type=int, default=2)
    parser.add_argument("--steps", type=int, default=10)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    teacher = PCT(**teacher_options()).eval()
    student = PCT().train()
    t_ch, s_ch = (64, 128, 320, 512), (48, 96, 192, 384)
    connectors = nn.ModuleList([nn.Conv2d(s, t, 1) for s, t in zip(s_ch, t_ch)])
    optimizer = torch.optim.AdamW(list(student.parameters()) + list(connectors.parameters()), lr=1e-3)
    images = torch.rand(args.batch, 3, args.size, args.size)
    masks = (torch.rand(args.batch, 1, args.size, args.size) > 0.95).float()

    def step():
        with torch.no_grad():
            t_logits, t_features = teacher(images)
        s_logits, s_features = student(images)
        loss = sum(0.25 * rms_distance(c(s), t) for c, s, t in zip(connectors, s_features, t_features))
        loss = loss + rms_distance(torch.sigmoid(s_logits), torch.sigmoid(t_logits)) + dice_loss(s_logits, masks)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()

    for _ in range(2):
        step()
    times = []
    for _ in range(args.steps):
        start = time.perf_counter()
        step()
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    print(f"teacher_params={sum(p.numel() for p in teacher.parameters())} "
          f"student_params={sum(p.numel() for p in student.parameters())} step_ms={times[len(times) // 2]:.3f}")


if __name__ == "__main__":
    main()
