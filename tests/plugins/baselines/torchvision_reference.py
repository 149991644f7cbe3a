"""Reference features for the baseline encoders, from torchvision itself.

    python3 torchvision_reference.py OUT_DIR

For resnet18, mobilenet_v2 and efficientnet_b0: a randomly initialised torchvision model
(batch-norm statistics and affine parameters randomised too, so they matter), its state
dict (OUT_DIR/<name>.pt, as a user would save it), and its features at strides 2, 4, 8,
16 and 32 on OUT_DIR/input.pt (OUT_DIR/<name>_features.pt), split as
segmentation_models_pytorch splits these encoders.
"""
import os
import sys

import torch
import torchvision


def randomise_norms(model):
    for m in model.modules():
        if isinstance(m, torch.nn.BatchNorm2d):
            m.running_mean.uniform_(-0.5, 0.5)
            m.running_var.uniform_(0.5, 1.5)
            m.weight.data.uniform_(0.5, 1.5)
            m.bias.data.uniform_(-0.5, 0.5)


def resnet_features(m, x):
    f = [m.relu(m.bn1(m.conv1(x)))]
    x = m.maxpool(f[0])
    for layer in (m.layer1, m.layer2, m.layer3, m.layer4):
        x = layer(x)
        f.append(x)
    return f


def split_features(modules, ends, x):
    f = []
    for i, module in enumerate(modules):
        x = module(x)
        if i in ends:
            f.append(x)
    return f


def main(out):
    torch.manual_seed(0)
    x = torch.rand(1, 3, 96, 128)
    torch.save(x, os.path.join(out, "input.pt"))
    models = {
        "resnet18": (torchvision.models.resnet18(), resnet_features),
        "mobilenet_v2": (torchvision.models.mobilenet_v2(),
                         lambda m, x: split_features(m.features, {1, 3, 6, 13, 18}, x)),
        "efficientnet_b0": (torchvision.models.efficientnet_b0(),
                            lambda m, x: split_features(m.features, {0, 2, 3, 5, 7}, x)),
    }
    for name, (model, features) in models.items():
        randomise_norms(model)
        model.eval()
        torch.save(model.state_dict(), os.path.join(out, name + ".pt"))
        with torch.no_grad():
            torch.save(features(model, x), os.path.join(out, name + "_features.pt"))


if __name__ == "__main__":
    main(sys.argv[1])
