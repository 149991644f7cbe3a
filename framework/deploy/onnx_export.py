# Exports a TorchScript file of crackkd export (its forward the bare traced graph) to ONNX with
# PyTorch's own exporter, and copies its crackkd.json into the ONNX file's metadata
# (entry "crackkd"). Run by crackkd (embedded in the binary) as
#   python3 -c <this script> SOURCE.ts TARGET.onnx OPSET DYNAMIC(0|1)
# Exit codes: 0 written; 3 an operator has no ONNX mapping (stderr: "unsupported operator
# aten::x"); 4 PyTorch cannot be imported; 1 anything else (stderr's last line says why).
import io
import json
import re
import sys

try:
    import torch
except ImportError as error:
    print("cannot import torch: %s" % error, file=sys.stderr)
    sys.exit(4)


def varint(n):
    out = bytearray()
    while True:
        low, n = n & 0x7F, n >> 7
        out.append(low | (0x80 if n else 0))
        if not n:
            return bytes(out)


def length_delimited(field, payload):
    return varint(field << 3 | 2) + varint(len(payload)) + payload


def with_metadata(model, key, value):
    """ModelProto field 14 is metadata_props (repeated StringStringEntryProto {key = 1;
    value = 2}); a protobuf message may carry a repeated field's entries anywhere, so
    appending one to the serialised model adds an entry."""
    entry = length_delimited(1, key.encode()) + length_delimited(2, value.encode())
    return model + length_delimited(14, entry)


def main():
    source, target, opset, dynamic = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4] == "1"
    extra = {"crackkd.json": ""}
    module = torch.jit.load(source, map_location="cpu", _extra_files=extra)
    metadata_text = extra["crackkd.json"].decode() if isinstance(extra["crackkd.json"], bytes) else extra["crackkd.json"]
    metadata = json.loads(metadata_text)
    shape = [1 if n is None else n for n in metadata["input"]["shape"]]
    if dynamic:
        shape = [1, 3, metadata["input"]["size_multiple"] * 2, metadata["input"]["size_multiple"] * 3]
    axes = {0: "batch", 2: "height", 3: "width"}
    buffer = io.BytesIO()
    try:
        torch.onnx.export(module, (torch.rand(shape),), buffer, opset_version=opset,
                          input_names=["images"], output_names=["logits"],
                          dynamic_axes={"images": axes, "logits": axes} if dynamic else None)
    except torch.onnx.errors.UnsupportedOperatorError as error:
        found = re.search(r"operator '([^']+)'", str(error))
        print("unsupported operator %s" % (found.group(1) if found else str(error).splitlines()[0]), file=sys.stderr)
        sys.exit(3)
    except Exception as error:  # one line: the exporter's messages end in "(Occurred when translating x)."
        print("%s: %s" % (type(error).__name__, " ".join(str(error).split())), file=sys.stderr)
        sys.exit(1)
    with open(target, "wb") as out:
        out.write(with_metadata(buffer.getvalue(), "crackkd", metadata_text))


if __name__ == "__main__":
    main()
