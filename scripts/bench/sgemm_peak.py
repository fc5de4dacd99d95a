"""This machine's sgemm peak for scripts/bench/forward.sh, measured in the same run as the forward pass.

A square float32 GEMM of side N (default 2048, large enough for the kernels' steady state, small enough to take a
fraction of a second) through numpy's OpenBLAS and through torch.mm, each with THREADS threads, best of REPEATS;
the faster of the two is the peak. The forward pass's limit is its FLOPs divided by this figure.

Usage: sgemm_peak.py THREADS [N] [REPEATS]
Prints "numpy_gflops torch_gflops".
"""
import os
import sys
import time

threads = int(sys.argv[1])
n = int(sys.argv[2]) if len(sys.argv) > 2 else 2048
repeats = int(sys.argv[3]) if len(sys.argv) > 3 else 7
# Read by numpy's OpenBLAS as it loads, so before the import. The peak is the machine's, so numpy's OpenBLAS
# picks its own (newer) core even where the user forces one on rnx with OPENBLAS_CORETYPE.
os.environ["OPENBLAS_NUM_THREADS"] = str(threads)
os.environ.pop("OPENBLAS_CORETYPE", None)

import numpy  # noqa: E402
import torch  # noqa: E402


def best_gflops(multiply):
    multiply()
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        multiply()
        best = min(best, time.perf_counter() - start)
    return 2 * n ** 3 / best / 1e9


rng = numpy.random.default_rng(0)
a = rng.standard_normal((n, n), dtype=numpy.float32)
b = rng.standard_normal((n, n), dtype=numpy.float32)
out = numpy.empty((n, n), dtype=numpy.float32)
numpy_gflops = best_gflops(lambda: numpy.matmul(a, b, out=out))
torch.set_num_threads(threads)
ta, tb = torch.from_numpy(a), torch.from_numpy(b)
tout = torch.empty(n, n)
torch_gflops = best_gflops(lambda: torch.mm(ta, tb, out=tout))
print(f"{numpy_gflops:.1f} {torch_gflops:.1f}")
