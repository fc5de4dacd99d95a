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
    # The last line: GNU time writes 'Command exited with non-zero status N' first when it does.
    awk 'END { printf "%.2f", $1 + $2 }' "$BENCH_DIR/.cpu"
}

# AWK_MEDIAN: an awk function for the scripts' awk programs: median(a, n) of a[1..n], sorting a in place.
AWK_MEDIAN='
    function median(a, n,   i, j, t) {
        for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
        return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
    }'

# alternating N BASELINE_CMD -- CMD...: runs the baseline and the command alternately N times (so both see the same
# machine; single runs swing by tens of percent here) and prints "BASE_MEDIAN CMD_MEDIAN RATIO_MEDIAN" in seconds,
# the ratio being the median of the per-round ratios CMD / BASELINE. BASELINE_CMD is one shell word list in a string.
alternating() {
    n=$1
    base=$2
    shift 3
    i=0
    rows=""
    while [ "$i" -lt "$n" ]; do
        t0=$(date +%s%N)
        sh -c "$base" >/dev/null 2>&1 || true
        t1=$(date +%s%N)
        "$@" >/dev/null 2>&1 || true
        t2=$(date +%s%N)
        rows="$rows$((t1 - t0)) $((t2 - t1))
"
        i=$((i + 1))
    done
    printf '%s' "$rows" | awk "$AWK_MEDIAN"'
        NF == 2 { n++; b[n] = $1 / 1e9; c[n] = $2 / 1e9; r[n] = $2 / $1 }
        END { printf "%.4f %.4f %.2f", median(b, n), median(c, n), median(r, n) }'
}
