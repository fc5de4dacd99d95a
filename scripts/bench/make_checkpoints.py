"""Writes the large checkpoints `make bench` measures, into the directory given (default /tmp/rnx-bench).

Only the benchmarks use these (they are too big to commit): resnet152 as torch.save writes it today (zip, about
240 MB). Needs the torch venv; the bench scripts skip what needs it when it is missing.
"""
import os
import sys

import torch
import torchvision

out = sys.argv[1] if len(sys.argv) > 1 else "/tmp/rnx-bench"
os.makedirs(out, exist_ok=True)
path = os.path.join(out, "resnet152.pth")
if not os.path.exists(path):
    torch.manual_seed(0)
    model = torchvision.models.resnet152(weights=None)
    torch.save(model.state_dict(), path + ".tmp")
    os.replace(path + ".tmp", path)
print(path)
