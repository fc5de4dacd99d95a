#!/bin/sh
# Forward-pass speed and memory (issues 5, 12): rnx bench against PyTorch eager in the same run.
#   The engine rnx runs (oneDNN, or OpenBLAS as a fallback or with RNX_ENGINE=openblas) is printed first.
#   resnet50, 224x224, 2 threads, batch 1 and 8; peak RSS of rnx for batch 1. First the CPU, the BLAS core rnx runs
#   and this machine's sgemm peak (scripts/bench/sgemm_peak.py, at the start and the end), so each batch also gets a
#   limit (FLOPs / peak) and rnx's ratio to it; every round's raw figures are printed.
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

# The machine, the BLAS kernels rnx runs on it (and who chose them), and its sgemm peak, all in this run: the figures
# below mean little without them (issue 12: the same build ran 4x slower on a CPU its OpenBLAS did not know).
json_text() { sed -n "s/.*\"$1\":\"\([^\"]*\)\".*/\1/p"; }
cpu_model=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)
cpu_family=$(sed -n 's/^cpu family[[:space:]]*: //p' /proc/cpuinfo | head -1)
cpu_flags=$(sed -n 's/^flags[[:space:]]*: //p' /proc/cpuinfo | head -1 | tr ' ' '\n' |
    grep -E '^(avx|avx2|fma|avx512[a-z_0-9]*|amx[a-z_0-9]*)$' | tr '\n' ' ')
echo "cpu: ${cpu_model:-unknown} (family ${cpu_family:-?}), $(getconf _NPROCESSORS_ONLN) CPUs online; flags: $cpu_flags"
probe=$("$rnx" bench "$arch" --iterations 1 --json)
engine=$(echo "$probe" | sed -n 's/.*"engine":{\([^}]*\)}.*/\1/p')
echo "engine: $(echo "$engine" | json_text library) $(echo "$engine" | json_text version)," \
    "isa/core $(echo "$engine" | json_text isa), fpmath $(echo "$engine" | json_text fpmath)," \
    "chosen by $(echo "$engine" | json_text chosen_by): $(echo "$engine" | json_text reason)"
if [ -n "${RNX_ENGINE:-}" ]; then echo "  (RNX_ENGINE=$RNX_ENGINE is set here)"; fi
echo "blas (the OpenBLAS engine's kernels): OpenBLAS $(echo "$probe" | json_text version), core $(echo "$probe" | json_text core), chosen by" \
    "$(echo "$probe" | json_text chosen_by): $(echo "$probe" | json_text reason)"
if [ -n "${OPENBLAS_CORETYPE:-}" ]; then
    echo "  (OPENBLAS_CORETYPE=$OPENBLAS_CORETYPE is set here, and a user's choice wins: unset it to bench rnx's own choice)"
fi
# FLOPs of one image: twice the multiply-adds of rnx summary (torchinfo's count).
gmacs=$("$rnx" summary "$arch" | sed -n 's/^Total mult-adds (G): //p')
peak=""
if [ -x "$py" ]; then
    peaks=$("$py" scripts/bench/sgemm_peak.py "$threads")
    echo "sgemm peak ($threads threads, 2048^3 float32, best of 7): numpy $(echo "$peaks" | cut -d' ' -f1) GFLOP/s," \
        "torch.mm $(echo "$peaks" | cut -d' ' -f2) GFLOP/s (measured again at the end; the best of all is the peak)"
fi
if [ -x "$py" ]; then
    echo "forward: $arch, 224x224, $threads threads; $rounds rounds, each running rnx and PyTorch (order swapped every"
    echo "round) for $iterations timed passes after a warm-up, in one Python process (scripts/bench/forward_pairs.py), so"
    echo "both sides of a round see the same machine; this one is shared and noisy"
else
    echo "forward: $arch, 224x224, $threads threads; $rounds rounds of $iterations timed rnx passes after a warm-up"
    echo "(no torch venv at $py: no PyTorch baseline)"
fi
all_results=""
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
    all_results="$all_results$(printf '%s\n' "$results" | sed "s/^/$batch /")
"
done
if [ -x "$py" ]; then
    peaks="$peaks $("$py" scripts/bench/sgemm_peak.py "$threads")"
    peak=$(echo "$peaks" | tr ' ' '\n' | sort -g | tail -1)
    echo "sgemm peak at the end: $(echo "$peaks" | cut -d' ' -f3-4) GFLOP/s; peak used: $peak GFLOP/s;" \
        "$arch: $gmacs G mult-adds per image"
fi
for batch in 1 8; do
    echo "  batch $batch raw rounds (rnx median, rnx min, pytorch median, pytorch min; ms):"
    printf '%s' "$all_results" | awk -v b="$batch" '$1 == b && NF >= 3 { $1 = ""; print "   " $0 }'
    printf '%s' "$all_results" | awk -v batch="$batch" -v gmacs="$gmacs" -v peak="$peak" "$AWK_MEDIAN"'
        function least(a, n,   i, x) { x = a[1]; for (i = 2; i <= n; i++) if (a[i] < x) x = a[i]; return x }
        $1 != batch { next }
        NF >= 3 { n++; rm[n] = $2; rmin[n] = $3; if (NF >= 5) { tm[n] = $4; tmin[n] = $5; q[n] = $4 / $2; s[n] = $2 / $4; m++ } }
        END {
            med = median(rm, n)
            printf "  batch %s  rnx:     median of round medians %7.1f ms, best %7.1f ms, %6.2f images/s\n",
                batch, med, least(rmin, n), batch * 1000 / med
            if (m == n && n > 0) {
                printf "  batch %s  pytorch: median of round medians %7.1f ms, best %7.1f ms, %6.2f images/s\n",
                    batch, median(tm, n), least(tmin, n), batch * 1000 / median(tm, n)
                printf "  batch %s  ratio:   rnx/pytorch latency, median over rounds %.2f (target <= 0.8; all rounds, sorted:", batch, median(s, n)
                for (i = 1; i <= n; i++) printf " %.2f", s[i]
                printf ")\n"
                printf "  batch %s  ratio:   pytorch/rnx latency, median over rounds %.2fx (all rounds, sorted:", batch, median(q, n)
                for (i = 1; i <= n; i++) printf " %.2f", q[i]
                printf ")\n"
            } else {
                print "  (no torch venv: PyTorch baseline skipped)"
            }
            if (peak > 0 && gmacs > 0) {
                limit = batch * 2 * gmacs / peak * 1000
                printf "  batch %s  limit:   %.1f ms (%.2f GFLOP / %s GFLOP/s); rnx median / limit %.2f, best / limit %.2f (target <= 1.3)\n",
                    batch, limit, batch * 2 * gmacs, peak, med / limit, least(rmin, n) / limit
            }
        }'
done

# Peak resident memory of one rnx process for batch 1 (weights, oneDNN's packed copy of them, plan buffers).
if [ -x /usr/bin/time ]; then
    rss=$(/usr/bin/time -v "$rnx" bench "$arch" --batch 1 --threads "$threads" --iterations 3 2>&1 >/dev/null |
        sed -n 's/.*Maximum resident set size (kbytes): //p')
    echo "  peak RSS (batch 1): $((rss / 1024)) MB (target < 300 MB)"
else
    echo "  peak RSS: /usr/bin/time not installed"
fi
