# Shared by the bench scripts: where the big checkpoints live, how commands are timed, and ratios.
# Times are wall-clock seconds, the best of several warm-cache runs (the least noisy figure on a busy machine).
BENCH_DIR=${BENCH_DIR:-/tmp/rnx-bench}
TORCH_PY=${TORCH_PY:-.venv-torch/bin/python}

# bench_checkpoints: makes resnet152.pth, resnet152-legacy.pth (with torch) and resnet152.safetensors in $BENCH_DIR.
bench_checkpoints() {
    mkdir -p "$BENCH_DIR"
    [ -s "$BENCH_DIR/resnet152.safetensors" ] && return 0
    py=$TORCH_PY
    [ -x "$py" ] || py=python3
    "$py" scripts/bench/make_resnet152.py "$BENCH_DIR"
}

# best_seconds N CMD...: the smallest wall time of N runs of CMD (output discarded), in seconds.
best_seconds() {
    n=$1
    shift
    best=""
    i=0
    while [ "$i" -lt "$n" ]; do
        t0=$(date +%s%N)
        "$@" >/dev/null 2>&1 || true
        t1=$(date +%s%N)
        t=$((t1 - t0))
        if [ -z "$best" ] || [ "$t" -lt "$best" ]; then best=$t; fi
        i=$((i + 1))
    done
    awk -v ns="$best" 'BEGIN { printf "%.4f", ns / 1e9 }'
}

# ratio A B: A / B to two decimals.
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }

# peak_rss_mib CMD...: the peak resident set size of CMD in MiB (GNU time, from Debian's `time`).
peak_rss_mib() {
    /usr/bin/time -f '%M' -o "$BENCH_DIR/.rss" "$@" >/dev/null 2>&1 || true
    awk '{ printf "%.1f", $1 / 1024 }' "$BENCH_DIR/.rss"
}

# cpu_seconds CMD...: user + system CPU seconds of CMD.
cpu_seconds() {
    /usr/bin/time -f '%U %S' -o "$BENCH_DIR/.cpu" "$@" >/dev/null 2>&1 || true
    awk '{ printf "%.2f", $1 + $2 }' "$BENCH_DIR/.cpu"
}
