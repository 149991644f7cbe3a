# An exported TorchScript file run by Python's PyTorch (Debian's python3-torch):
#   run_torchscript.py MODEL.ts IN.f32 N C H W OUT.f32
# Prints the metadata's model plugin and input shape, so the test sees them as Python does.
import json
import sys

import torch

model, source, n, c, h, w, target = sys.argv[1], sys.argv[2], *map(int, sys.argv[3:7]), sys.argv[7]
extra = {"crackkd.json": ""}
module = torch.jit.load(model, map_location="cpu", _extra_files=extra)
metadata = json.loads(extra["crackkd.json"])
images = torch.from_file(source, size=n * c * h * w, dtype=torch.float32).view(n, c, h, w)
with torch.no_grad():
    module(images).contiguous().numpy().tofile(target)
print("model.%s input %s threshold %s" % (metadata["model"]["plugin"], metadata["input"]["shape"], metadata["threshold"]))
