#!/bin/sh
# rnx summary resnet152: wall clock per run including process start (target: well under 50 ms), against the Python
# equivalent (import torch, torchvision, torchinfo; build resnet152; torchinfo.summary) measured in the same run.
# Usage: sh scripts/bench/summary.sh [path/to/rnx]    (RUNS=n and PY_RUNS=n change the repetitions)
set -eu
rnx=${1:-.build/release/rnx}
cd "$(dirname "$0")/../.."
. scripts/bench/lib.sh
runs=${RUNS:-30}
py_runs=${PY_RUNS:-3}
py=$TORCH_PY

if command -v hyperfine >/dev/null 2>&1; then
    hyperfine -N --warmup 3 --runs "$runs" "$rnx summary resnet152" 2>/dev/null | sed -n '1,3p' || true
fi
rnx_s=$(best_seconds "$runs" "$rnx" summary resnet152)
echo "rnx summary resnet152: ${rnx_s}s (best of $runs, process start included; target well under 0.05 s)"

if [ -x "$py" ]; then
    script='import torch, torchvision, torchinfo
torchinfo.summary(torchvision.models.resnet152(weights=None), input_size=(1, 3, 224, 224),
                  col_names=("output_size", "num_params", "mult_adds"), device="cpu")'
    py_s=$(best_seconds "$py_runs" "$py" -c "$script")
    echo "python + torchinfo:    ${py_s}s (best of $py_runs); ratio python/rnx $(ratio "$py_s" "$rnx_s")"
else
    echo "python + torchinfo: skipped (no .venv-torch; see scripts/fixtures/requirements.txt)"
fi
