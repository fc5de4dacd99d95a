#!/bin/sh
# Forward-pass speed and memory (issue 5): rnx bench against PyTorch eager in the same run.
#   resnet50, 224x224, 2 threads, batch 1 and 8; peak RSS of rnx for batch 1.
# Usage: scripts/bench/forward.sh [RNX_BINARY]   (default .build/release/rnx; build with swift build -c release)
set -eu
cd "$(dirname "$0")/../.."
rnx=${1:-.build/release/rnx}
. scripts/bench/lib.sh
py=$TORCH_PY
arch=${ARCH:-resnet50}
threads=${THREADS:-2}
iterations=${ITERATIONS:-10}

field() { sed -n "s/.*\"$1\": *\([0-9.e+-]*\).*/\1/p"; }

echo "forward: $arch, 224x224, $threads threads, $iterations timed passes after one warm-up"
for batch in 1 8; do
    r=$("$rnx" bench "$arch" --batch "$batch" --size 224 --threads "$threads" --iterations "$iterations" --json)
    r_med=$(echo "$r" | field median_ms); r_min=$(echo "$r" | field min_ms); r_ips=$(echo "$r" | field images_per_s)
    printf '  batch %s  rnx:     median %8.1f ms  min %8.1f ms  %7.2f images/s\n' "$batch" "$r_med" "$r_min" "$r_ips"
    if [ -x "$py" ]; then
        t=$("$py" scripts/bench/forward_torch.py "$arch" "$batch" 224 "$threads" "$iterations")
        t_med=$(echo "$t" | field median_ms); t_min=$(echo "$t" | field min_ms); t_ips=$(echo "$t" | field images_per_s)
        printf '  batch %s  pytorch: median %8.1f ms  min %8.1f ms  %7.2f images/s\n' "$batch" "$t_med" "$t_min" "$t_ips"
        awk -v a="$t_med" -v b="$r_med" -v c="$r_ips" -v d="$t_ips" 'BEGIN {
            printf "  batch %s  ratio:   pytorch/rnx latency %.2fx, rnx/pytorch images/s %.2fx\n", "'"$batch"'", a / b, c / d }'
    else
        echo "  (no torch venv: PyTorch baseline skipped)"
    fi
done

# Peak resident memory of one rnx process for batch 1 (weights, plan buffers, OpenBLAS).
if [ -x /usr/bin/time ]; then
    rss=$(/usr/bin/time -v "$rnx" bench "$arch" --batch 1 --threads "$threads" --iterations 3 2>&1 >/dev/null |
        sed -n 's/.*Maximum resident set size (kbytes): //p')
    echo "  peak RSS (batch 1): $((rss / 1024)) MB (target < 300 MB)"
else
    echo "  peak RSS: /usr/bin/time not installed"
fi
