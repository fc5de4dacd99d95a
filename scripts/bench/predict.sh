#!/bin/sh
# rnx predict (issue 14): 64 photos with resnet50, end to end and decode + preprocess alone, against PIL +
# torchvision (batch 8, inference_mode) alternating in the same run (scripts/bench/predict_pairs.py).
# Targets: end to end >= 1.0x PyTorch's images/s, decode + preprocess >= 2x PIL + torchvision's.
# Usage: scripts/bench/predict.sh [RNX_BINARY]
set -eu
cd "$(dirname "$0")/../.."
rnx=${1:-.build/release/rnx}
. scripts/bench/lib.sh
py=$TORCH_PY
rounds=${ROUNDS:-5}
threads=${THREADS:-2}
if [ ! -x "$py" ]; then
    echo "predict: no torch venv at $py: no PyTorch baseline, skipped"
    exit 0
fi
work=$BENCH_DIR/predict
mkdir -p "$work"
echo "predict: 64 JPEG photos (320-640 px), resnet50 (synthetic weights), batch 8, $threads threads; $rounds rounds,"
echo "rnx and PIL + torchvision alternating (order swapped every round); medians of the per-round figures"
results=$("$py" scripts/bench/predict_pairs.py "$rnx" "$work" "$rounds" "$threads")
echo "$results" | awk '
    function median(a, n,   i, j, t) {
        for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
        return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
    }
    {
        n++
        for (k = 1; k <= NF; k++) gsub(/[{}" ]/, "", $k)
        split($0, f, ",")
        for (k in f) { split(f[k], kv, ":"); v[kv[1]] = kv[2] }
        rp[n] = 64 / v["rnx_predict_s"]; tp[n] = 64 / v["torch_predict_s"]; pr[n] = rp[n] / tp[n]
        rq[n] = 64 / v["rnx_preprocess_s"]; tq[n] = 64 / v["torch_preprocess_s"]; qr[n] = rq[n] / tq[n]
    }
    END {
        printf "  end to end:        rnx %.1f images/s, PyTorch %.1f images/s, ratio %.2fx (target >= 1.0x)\n", median(rp, n), median(tp, n), median(pr, n)
        printf "  decode+preprocess: rnx %.1f images/s, PIL+torchvision %.1f images/s, ratio %.2fx (target >= 2x)\n", median(rq, n), median(tq, n), median(qr, n)
    }'
