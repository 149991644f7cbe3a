"""Python eager peer of tests/bench/train_step_bench.cpp: the example plugin's TinyUNet
(sdk/examples/third_party_plugin/tiny_unet.cpp) layer for layer, the same Dice loss and
AdamW, timed the same way. Run by the C++ benchmark with Debian's /usr/bin/python3."""
import argparse
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


def groups_for(channels):
    g = min(8, channels)
    while channels % g:
        g -= 1
    return g


class ConvBlock(nn.Module):
    def __init__(self, cin, cout, stride):
        super().__init__()
        g = groups_for(cout)
        self.body = nn.Sequential(
            nn.Conv2d(cin, cout, 3, stride=stride, padding=1, bias=False), nn.GroupNorm(g, cout), nn.ReLU(True),
            nn.Conv2d(cout, cout, 3, padding=1, bias=False), nn.GroupNorm(g, cout), nn.ReLU(True))

    def forward(self, x):
        return self.body(x)


class TinyUNet(nn.Module):
    def __init__(self, channels=(16, 32, 64, 128)):
        super().__init__()
        stem = max(4, channels[0] // 2)
        self.stem = ConvBlock(3, stem, 2)
        self.encoder = nn.ModuleList()
        cin = stem
        for c in channels:
            self.encoder.append(ConvBlock(cin, c, 2))
            cin = c
        self.decoder = nn.ModuleList()
        for skip in (channels[2], channels[1], channels[0], stem):
            self.decoder.append(ConvBlock(cin + skip, skip, 1))
            cin = skip
        self.head = nn.Conv2d(cin, 1, 1)

    def forward(self, images):
        skips = [self.stem(images)]
        x = skips[0]
        features = []
        for block in self.encoder:
            x = block(x)
            features.append(x)
            skips.append(x)
        for i, block in enumerate(self.decoder):
            skip = skips[3 - i]
            x = F.interpolate(x, size=skip.shape[2:], mode="bilinear", align_corners=False)
            x = block(torch.cat([x, skip], 1))
        logits = F.interpolate(self.head(x), size=images.shape[2:], mode="bilinear", align_corners=False)
        return logits, features


def dice_loss(logits, target, eps=1e-7):
    p = logits.sigmoid().flatten(1)
    g = target.flatten(1)
    return 1 - ((2 * (p * g).sum(1) + eps) / (p.sum(1) + g.sum(1) + eps)).mean()


def median_ms(fn, warmup, repeats):
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return sorted(times)[len(times) // 2]  # the same median as the C++ side


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", type=int, default=128)
    parser.add_argument("--batch", type=int, default=4)
    parser.add_argument("--steps", type=int, default=20)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    model = TinyUNet()
    optimizer = torch.optim.AdamW(model.parameters(), lr=1e-3)
    images = torch.rand(args.batch, 3, args.size, args.size)
    masks = (torch.rand(args.batch, 1, args.size, args.size) > 0.95).float()

    def step():
        loss = dice_loss(model(images)[0], masks)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()

    model.train()
    train_ms = median_ms(step, 3, args.steps)
    model.eval()
    one = torch.rand(1, 3, args.size, args.size)
    with torch.inference_mode():
        infer_ms = median_ms(lambda: model(one), 3, args.steps)
    params = sum(p.numel() for p in model.parameters())
    print(f"params={params} train_step_ms={train_ms:.3f} infer_ms={infer_ms:.3f}")


if __name__ == "__main__":
    main()
