"""State dicts laid out as timm's poolformer_s12, in both of timm's layouts, without timm.

    python3 timm_poolformer_layout.py OUT_DIR

Writes OUT_DIR/s12_metaformer.pt (timm/models/metaformer.py, current timm) and
OUT_DIR/s12_poolformer.pt (timm/models/poolformer.py, older timm and sail-sg's original),
each `torch.save(model.state_dict(), PATH)` of a module tree that registers its tensors
under timm's names, in timm's order and shapes: the stem 7x7/4 and the 3x3/2
downsampling convolutions, per block two GroupNorm(1, C), an MLP of 1x1 convolutions
(ratio 4) and two layer scales of shape [C], and the classifier (final norm, head).
Values are random so that a test can tell every tensor apart.
"""
import os
import sys
from collections import OrderedDict

import torch
from torch import nn

CHANNELS = (64, 128, 320, 512)
DEPTHS = (2, 2, 6, 2)
CLASSES = 1000


class ConvMlp(nn.Module):
    """`mlp.fc1`, `mlp.fc2`: 1x1 convolutions C -> 4C -> C, with bias."""

    def __init__(self, dim):
        super().__init__()
        self.fc1 = nn.Conv2d(dim, 4 * dim, 1)
        self.fc2 = nn.Conv2d(4 * dim, dim, 1)


class Scale(nn.Module):
    """metaformer.py's layer scale: a module holding `scale` of shape [C]."""

    def __init__(self, dim):
        super().__init__()
        self.scale = nn.Parameter(torch.ones(dim))


class MetaFormerBlock(nn.Module):
    def __init__(self, dim):
        super().__init__()
        self.norm1 = nn.GroupNorm(1, dim)
        self.layer_scale1 = Scale(dim)
        self.norm2 = nn.GroupNorm(1, dim)
        self.mlp = ConvMlp(dim)
        self.layer_scale2 = Scale(dim)


class Downsampling(nn.Module):
    def __init__(self, in_dim, out_dim, kernel, stride, padding):
        super().__init__()
        self.conv = nn.Conv2d(in_dim, out_dim, kernel, stride, padding)


class MetaFormerStage(nn.Module):
    def __init__(self, in_dim, out_dim, depth):
        super().__init__()
        # timm builds no downsampling where the width stays (the first stage, after the stem).
        self.downsample = nn.Identity() if in_dim == out_dim else Downsampling(in_dim, out_dim, 3, 2, 1)
        self.blocks = nn.Sequential(*[MetaFormerBlock(out_dim) for _ in range(depth)])


def metaformer_s12():
    model = nn.Module()
    model.stem = Downsampling(3, CHANNELS[0], 7, 4, 2)
    dims = (CHANNELS[0],) + CHANNELS
    model.stages = nn.Sequential(*[MetaFormerStage(dims[i], dims[i + 1], DEPTHS[i]) for i in range(4)])
    model.head = nn.Sequential(OrderedDict([('norm', nn.LayerNorm(CHANNELS[-1])),
                                            ('fc', nn.Linear(CHANNELS[-1], CLASSES))]))
    return model


class PoolFormerBlock(nn.Module):
    def __init__(self, dim):
        super().__init__()
        self.norm1 = nn.GroupNorm(1, dim)
        self.norm2 = nn.GroupNorm(1, dim)
        self.mlp = ConvMlp(dim)
        self.layer_scale_1 = nn.Parameter(torch.ones(dim))
        self.layer_scale_2 = nn.Parameter(torch.ones(dim))


class PatchEmbed(nn.Module):
    def __init__(self, in_dim, out_dim, kernel, stride, padding):
        super().__init__()
        self.proj = nn.Conv2d(in_dim, out_dim, kernel, stride, padding)


def poolformer_s12():
    model = nn.Module()
    model.patch_embed = PatchEmbed(3, CHANNELS[0], 7, 4, 2)
    network = []
    for i in range(4):  # block stacks at even indices, downsampling embeddings between them
        network.append(nn.Sequential(*[PoolFormerBlock(CHANNELS[i]) for _ in range(DEPTHS[i])]))
        if i < 3:
            network.append(PatchEmbed(CHANNELS[i], CHANNELS[i + 1], 3, 2, 1))
    model.network = nn.Sequential(*network)
    model.norm = nn.GroupNorm(1, CHANNELS[-1])
    model.head = nn.Linear(CHANNELS[-1], CLASSES)
    return model


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    torch.manual_seed(0)
    for name, build in (('s12_metaformer', metaformer_s12), ('s12_poolformer', poolformer_s12)):
        model = build()
        with torch.no_grad():
            for p in model.parameters():
                p.normal_()
        torch.save(model.state_dict(), os.path.join(out, name + '.pt'))


if __name__ == '__main__':
    main()
