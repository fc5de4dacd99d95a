# Shared helpers for the bench scripts: timing of whole commands and the big checkpoints.
BENCH_DIR=${BENCH_DIR:-/tmp/rnx-bench}
TORCH_PY=${TORCH_PY:-.venv-torch/bin/python}

# best_of N CMD...: the fastest of N runs of CMD, in milliseconds (the minimum is the least noisy figure here).
best_of() {
    n=$1; shift
    best=
    i=0
    while [ $i -lt $n ]; do
        start=$(date +%s%N)
        "$@" >/dev/null 2>&1
        end=$(date +%s%N)
        t=$(( (end - start) / 1000 ))
        if [ -z "$best" ] || [ $t -lt $best ]; then best=$t; fi
        i=$((i + 1))
    done
    awk -v us="$best" 'BEGIN { printf "%.1f", us / 1000 }'
}

# ratio A B: A / B to two decimals.
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }

# peak_rss_mb CMD...: the peak resident set size of CMD in MiB (GNU time).
peak_rss_mb() {
    /usr/bin/time -f '%M' -o "$BENCH_DIR/.rss" "$@" >/dev/null 2>&1 || true
    awk '{ printf "%.1f", $1 / 1024 }' "$BENCH_DIR/.rss"
}

# big_checkpoint: the path of the bench resnet152.pth, made with the torch venv if missing; empty if impossible.
big_checkpoint() {
    mkdir -p "$BENCH_DIR"
    if [ -f "$BENCH_DIR/resnet152.pth" ]; then echo "$BENCH_DIR/resnet152.pth"; return; fi
    if [ -x "$TORCH_PY" ]; then "$TORCH_PY" scripts/bench/make_checkpoints.py "$BENCH_DIR" 2>/dev/null | tail -1; fi
}
