"""PyTorch eager baseline for scripts/bench/forward.sh: torchvision resnet50 (random init), eval, no_grad.

Usage: forward_torch.py ARCH BATCH SIZE THREADS ITERATIONS -> one JSON line with median_ms, min_ms, images_per_s.
"""
import json
import statistics
import sys
import time

import torch
import torchvision


def main():
    arch, batch, size, threads, iterations = sys.argv[1], *map(int, sys.argv[2:6])
    torch.set_num_threads(threads)
    model = getattr(torchvision.models, arch)(weights=None).eval()
    x = torch.randn(batch, 3, size, size)
    times = []
    with torch.no_grad():
        model(x)  # warm-up, as rnx bench does
        for _ in range(iterations):
            start = time.perf_counter()
            model(x)
            times.append((time.perf_counter() - start) * 1000)
    median = statistics.median(times)
    print(json.dumps({"median_ms": median, "min_ms": min(times), "images_per_s": batch * 1000 / median}))


if __name__ == "__main__":
    main()
