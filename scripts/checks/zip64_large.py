"""Writes a torch.save zip over 4 GiB for scripts/checks/zip64_large.sh: zip64_large.py OUT_FILE

Two tensors: 'big', 4,400,030,000 uint8 (0, 1, ..., 250 repeated: a record larger than 4 GiB, so its sizes need
zip64 fields) and 'after', arange(1000) as float32, stored after it (its offset needs zip64 too). About 4.4 GB of
disk and of memory.
"""
import json
import sys

import torch

big = torch.arange(251, dtype=torch.uint8).repeat(17_530_000)
after = torch.arange(1000, dtype=torch.float32)
torch.save({"big": big, "after": after}, sys.argv[1])
print(json.dumps({"big_numel": big.numel(), "after_numel": after.numel()}))
