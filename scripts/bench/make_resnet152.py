"""Writes a resnet152-size checkpoint for scripts/bench/convert.sh: make_resnet152.py OUT_DIR

With torch (the .venv-torch interpreter): torchvision's resnet152 state_dict (seeded) saved both as
resnet152.pth (torch.save, zip format) and resnet152.safetensors. Without torch: resnet152.safetensors only,
synthesised in pure Python with torchvision's key names and shapes and pseudo-random float32 data.
"""
import json
import os
import random
import struct
import sys

out = sys.argv[1]
os.makedirs(out, exist_ok=True)

try:
    import torch
    import torchvision
    from safetensors.torch import save_file

    torch.manual_seed(0)
    sd = torchvision.models.resnet152(weights=None).state_dict()
    torch.save(sd, os.path.join(out, "resnet152.pth"))
    save_file(sd, os.path.join(out, "resnet152.safetensors"))
    sys.exit(0)
except ImportError:
    pass


def entries():
    def conv(name, o, i, k):
        yield name + ".weight", "F32", [o, i, k, k]

    def bn(name, c):
        for leaf in ("weight", "bias", "running_mean", "running_var"):
            yield f"{name}.{leaf}", "F32", [c]
        yield name + ".num_batches_tracked", "I64", []

    yield from conv("conv1", 64, 3, 7)
    yield from bn("bn1", 64)
    inplanes = 64
    for stage, (planes, blocks) in enumerate(zip([64, 128, 256, 512], [3, 8, 36, 3]), start=1):
        for b in range(blocks):
            p = f"layer{stage}.{b}"
            yield from conv(p + ".conv1", planes, inplanes, 1)
            yield from bn(p + ".bn1", planes)
            yield from conv(p + ".conv2", planes, planes, 3)
            yield from bn(p + ".bn2", planes)
            yield from conv(p + ".conv3", planes * 4, planes, 1)
            yield from bn(p + ".bn3", planes * 4)
            if b == 0:
                yield from conv(p + ".downsample.0", planes * 4, inplanes, 1)
                yield from bn(p + ".downsample.1", planes * 4)
            inplanes = planes * 4
    yield "fc.weight", "F32", [1000, 2048]
    yield "fc.bias", "F32", [1000]


header, offset = {}, 0
for name, dtype, shape in entries():
    n = 8 if dtype == "I64" else 4
    for d in shape:
        n *= d
    header[name] = {"dtype": dtype, "shape": shape, "data_offsets": [offset, offset + n]}
    offset += n
text = json.dumps(header, separators=(",", ":")).encode()
text += b" " * (-len(text) % 8)
rng = random.Random(0)
block = bytes(rng.getrandbits(8) for _ in range(1 << 20))
with open(os.path.join(out, "resnet152.safetensors"), "wb") as f:
    f.write(struct.pack("<Q", len(text)) + text)
    left = offset
    while left:
        f.write(block[: min(left, len(block))])
        left -= min(left, len(block))
