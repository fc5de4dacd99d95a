"""rnx predict / rnx preprocess against PIL + torchvision in the same run, alternating round by round.

Usage: predict_pairs.py RNX WORKDIR ROUNDS THREADS
Makes WORKDIR/photos (64 JPEGs cut from scikit-image's photographs, 320-640 px) and WORKDIR/resnet50.pth (the
synthetic weights of scripts/fixtures/synthetic_weights.py, saved by torch), then per round, order swapped every round:
  end to end:  `rnx predict resnet50.pth photos --batch 8 --csv` (a process: load, decode, preprocess, forward) vs
               torch: torch.load + load_state_dict, then PIL open + convert("RGB") + weights.transforms(), batches
               of 8, inference_mode, softmax + topk;
  preprocess:  `rnx preprocess photos --output x.npy --threads 1` (serial, like the Python loop) and with
               --threads THREADS, vs PIL + the same transforms, serial, stacked into one tensor. x.npy goes to
               /dev/shm when there is one, so the figure is decoding and preprocessing, not the disk's fsync of 38 MB.
Prints one JSON line per round, then the medians (images/s and the per-round ratios).
"""
import json
import os
import subprocess
import sys
import time

import numpy as np
import skimage.data
import torch
import torchvision
from PIL import Image

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fixtures"))
from synthetic_weights import fill  # noqa: E402

rnx, work, rounds, threads = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
torch.set_num_threads(threads)
photos = os.path.join(work, "photos")
model_path = os.path.join(work, "resnet50.pth")
os.makedirs(photos, exist_ok=True)
if len(os.listdir(photos)) != 64:
    rng = np.random.default_rng(64)
    sources = [skimage.data.chelsea(), skimage.data.coffee(), skimage.data.astronaut(), skimage.data.rocket()]
    for i in range(64):
        a = sources[i % len(sources)]
        h, w = a.shape[:2]
        ch, cw = int(h * rng.uniform(0.6, 1)), int(w * rng.uniform(0.6, 1))
        y, x = rng.integers(0, h - ch + 1), rng.integers(0, w - cw + 1)
        im = Image.fromarray(a[y:y + ch, x:x + cw])
        scale = rng.uniform(320, 640) / max(im.size)
        im = im.resize((max(1, int(im.width * scale)), max(1, int(im.height * scale))), Image.LANCZOS)
        im.save(os.path.join(photos, f"{i:02d}.jpg"), quality=90)
if not os.path.exists(model_path):
    torch.save(fill(torchvision.models.resnet50()).state_dict(), model_path)
files = sorted(os.path.join(photos, n) for n in os.listdir(photos))
transforms = torchvision.models.ResNet50_Weights.IMAGENET1K_V1.transforms()


def torch_end_to_end():
    start = time.perf_counter()
    model = torchvision.models.resnet50()
    model.load_state_dict(torch.load(model_path, weights_only=True))
    model.eval()
    with torch.inference_mode():
        for i in range(0, len(files), 8):
            batch = torch.stack([transforms(Image.open(f).convert("RGB")) for f in files[i:i + 8]])
            torch.softmax(model(batch), 1).topk(5)
    return time.perf_counter() - start


def torch_preprocess():
    start = time.perf_counter()
    torch.stack([transforms(Image.open(f).convert("RGB")) for f in files])
    return time.perf_counter() - start


def run(args):
    start = time.perf_counter()
    subprocess.run(args, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


predict = [rnx, "predict", model_path, photos, "--batch", "8", "--csv", "--threads", str(threads)]
npy_dir = "/dev/shm" if os.path.isdir("/dev/shm") else work
npy = os.path.join(npy_dir, f"rnx-bench-{os.getpid()}.npy")
preprocess = [rnx, "preprocess", photos, "--output", npy, "--threads", "1"]
preprocess_threads = [rnx, "preprocess", photos, "--output", npy, "--threads", str(threads)]
run(predict), torch_end_to_end()  # warm-up: page cache, torch's first-call costs
rows = []
for r in range(rounds):
    pairs = [("rnx", lambda: run(predict)), ("torch", torch_end_to_end)]
    pre = [("rnx", lambda: run(preprocess)), ("torch", torch_preprocess),
           ("rnx_threads", lambda: run(preprocess_threads))]
    if r % 2:
        pairs.reverse()
        pre.reverse()
    e2e = {name: f() for name, f in pairs}
    prep = {name: f() for name, f in pre}
    rows.append((e2e["rnx"], e2e["torch"], prep["rnx"], prep["torch"], prep["rnx_threads"]))
    print(json.dumps({"round": r, "rnx_predict_s": e2e["rnx"], "torch_predict_s": e2e["torch"],
                      "rnx_preprocess_1_thread_s": prep["rnx"], "torch_preprocess_s": prep["torch"],
                      f"rnx_preprocess_{threads}_threads_s": prep["rnx_threads"]}), flush=True)
if os.path.exists(npy):
    os.remove(npy)


def median(values):
    return float(np.median(values))


n = len(files)
print(f"  end to end:        rnx {median([n / r[0] for r in rows]):.1f} images/s, PyTorch "
      f"{median([n / r[1] for r in rows]):.1f} images/s, ratio {median([r[1] / r[0] for r in rows]):.2f}x "
      "(target >= 1.0x)")
print(f"  decode+preprocess: rnx {median([n / r[2] for r in rows]):.1f} images/s on 1 thread, PIL+torchvision "
      f"{median([n / r[3] for r in rows]):.1f} images/s, ratio {median([r[3] / r[2] for r in rows]):.2f}x "
      "(target >= 2x)")
print(f"  decode+preprocess: rnx {median([n / r[4] for r in rows]):.1f} images/s on {threads} threads, ratio "
      f"{median([r[3] / r[4] for r in rows]):.2f}x PIL+torchvision's (one thread)")
