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
echo "rnx and PIL + torchvision alternating (order swapped every round); raw rounds (seconds), then the medians"
"$py" scripts/bench/predict_pairs.py "$rnx" "$work" "$rounds" "$threads" | sed "s/^ *//; s/^/  /"
