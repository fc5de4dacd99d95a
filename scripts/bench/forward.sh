#!/bin/sh
# Forward-pass speed and memory (issue 5): rnx bench against PyTorch eager in the same run.
#   resnet50, 224x224, 2 threads, batch 1 and 8; peak RSS of rnx for batch 1.
# Single runs on this shared 2-core machine swing by +-30%, so rnx and PyTorch alternate for ROUNDS short rounds
# driven by one Python process (forward_pairs.py) and the figures are medians over rounds; the ratio is taken
# round by round (both measured back to back, about a second apart).
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

rounds=${ROUNDS:-9}
if [ -x "$py" ]; then
    echo "forward: $arch, 224x224, $threads threads; $rounds rounds, each running rnx and PyTorch (order swapped every"
    echo "round) for $iterations timed passes after a warm-up, in one Python process (scripts/bench/forward_pairs.py), so"
    echo "both sides of a round see the same machine; this one is shared and noisy"
else
    echo "forward: $arch, 224x224, $threads threads; $rounds rounds of $iterations timed rnx passes after a warm-up"
    echo "(no torch venv at $py: no PyTorch baseline)"
fi
for batch in 1 8; do
    if [ -x "$py" ]; then
        results=$("$py" scripts/bench/forward_pairs.py "$rnx" "$arch" "$batch" 224 "$threads" "$iterations" "$rounds")
    else
        results=""
        round=1
        while [ "$round" -le "$rounds" ]; do
            r=$("$rnx" bench "$arch" --batch "$batch" --size 224 --threads "$threads" --iterations "$iterations" --json)
            results="$results$(echo "$r" | field median_ms) $(echo "$r" | field min_ms)
"
            round=$((round + 1))
        done
    fi
    printf '%s' "$results" | awk -v batch="$batch" "$AWK_MEDIAN"'
        function least(a, n,   i, x) { x = a[1]; for (i = 2; i <= n; i++) if (a[i] < x) x = a[i]; return x }
        NF >= 2 { n++; rm[n] = $1; rmin[n] = $2; if (NF >= 4) { tm[n] = $3; tmin[n] = $4; q[n] = $3 / $1; m++ } }
        END {
            printf "  batch %s  rnx:     median of round medians %7.1f ms, best %7.1f ms, %6.2f images/s\n",
                batch, median(rm, n), least(rmin, n), batch * 1000 / median(rm, n)
            if (m == n && n > 0) {
                printf "  batch %s  pytorch: median of round medians %7.1f ms, best %7.1f ms, %6.2f images/s\n",
                    batch, median(tm, n), least(tmin, n), batch * 1000 / median(tm, n)
                printf "  batch %s  ratio:   pytorch/rnx latency, median over rounds %.2fx (all rounds, sorted:", batch, median(q, n)
                for (i = 1; i <= n; i++) printf " %.2f", q[i]
                printf ")\n"
            } else {
                print "  (no torch venv: PyTorch baseline skipped)"
            }
        }'
done

# Peak resident memory of one rnx process for batch 1 (weights, plan buffers, OpenBLAS).
if [ -x /usr/bin/time ]; then
    rss=$(/usr/bin/time -v "$rnx" bench "$arch" --batch 1 --threads "$threads" --iterations 3 2>&1 >/dev/null |
        sed -n 's/.*Maximum resident set size (kbytes): //p')
    echo "  peak RSS (batch 1): $((rss / 1024)) MB (target < 300 MB)"
else
    echo "  peak RSS: /usr/bin/time not installed"
fi
