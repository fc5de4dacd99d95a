"""Paired rounds for scripts/bench/forward.sh: PyTorch eager and `rnx bench` alternate within one Python process.

Each round times ITERATIONS PyTorch passes of torchvision's ARCH (random init, eval, no_grad; loaded and warmed
up once) and one `rnx bench ARCH ... --iterations ITERATIONS --json` run (which warms up itself), in turn, the
order swapped every round. A round lasts about a second, so both sides of a pair see the same machine: this one
is shared, and its speed drifts by 30% over tens of seconds, which is longer than a pair takes but shorter than
starting a Python process with torch for each side did (the earlier rounds took 5 to 10 s).

Usage: forward_pairs.py RNX ARCH BATCH SIZE THREADS ITERATIONS ROUNDS
Prints one line per round: "rnx_median_ms rnx_min_ms torch_median_ms torch_min_ms".
"""
import json
import statistics
import subprocess
import sys
import time

import torch
import torchvision


def main():
    rnx, arch = sys.argv[1], sys.argv[2]
    batch, size, threads, iterations, rounds = map(int, sys.argv[3:8])
    torch.set_num_threads(threads)
    model = getattr(torchvision.models, arch)(weights=None).eval()
    x = torch.randn(batch, 3, size, size)

    def torch_round():
        times = []
        with torch.no_grad():
            for _ in range(iterations):
                start = time.perf_counter()
                model(x)
                times.append((time.perf_counter() - start) * 1000)
        return statistics.median(times), min(times)

    def rnx_round():
        out = subprocess.run(
            [rnx, "bench", arch, "--batch", str(batch), "--size", str(size), "--threads", str(threads),
             "--iterations", str(iterations), "--json"], check=True, capture_output=True, text=True).stdout
        result = json.loads(out)
        return result["median_ms"], result["min_ms"]

    with torch.no_grad():
        model(x)  # warm-up, as rnx bench does
    for round_index in range(rounds):
        if round_index % 2 == 0:
            r, t = rnx_round(), torch_round()
        else:
            t, r = torch_round(), rnx_round()
        print(f"{r[0]:.3f} {r[1]:.3f} {t[0]:.3f} {t[1]:.3f}", flush=True)


if __name__ == "__main__":
    main()
