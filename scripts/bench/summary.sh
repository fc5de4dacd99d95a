#!/bin/sh
# rnx summary resnet152: wall clock per run including process start (target: well under 50 ms), against the Python
# equivalent (import torch, torchvision, torchinfo; build resnet152; torchinfo.summary) measured in the same run.
# Usage: sh scripts/bench/summary.sh [path/to/rnx]    (RUNS=n and PY_RUNS=n change the repetitions)
set -eu
rnx=${1:-.build/release/rnx}
cd "$(dirname "$0")/../.."
runs=${RUNS:-30}
py_runs=${PY_RUNS:-3}
py=${TORCH_PY:-.venv-torch/bin/python}

# Mean wall-clock milliseconds of running "$@" $2.. times; first argument is the count.
mean_ms() {
    n=$1
    shift
    "$@" >/dev/null 2>&1 # warm the page cache
    start=$(date +%s%N)
    i=0
    while [ "$i" -lt "$n" ]; do
        "$@" >/dev/null
        i=$((i + 1))
    done
    end=$(date +%s%N)
    echo $(((end - start) / n / 1000)) # microseconds
}

if command -v hyperfine >/dev/null 2>&1; then
    hyperfine -N --warmup 3 --runs "$runs" "$rnx summary resnet152" 2>/dev/null | sed -n '1,3p' || true
fi
rnx_us=$(mean_ms "$runs" "$rnx" summary resnet152)
printf 'rnx summary resnet152: %d.%03d ms per run (mean of %d, process start included)\n' \
    $((rnx_us / 1000)) $((rnx_us % 1000)) "$runs"

if [ -x "$py" ]; then
    script='import torch, torchvision, torchinfo
torchinfo.summary(torchvision.models.resnet152(weights=None), input_size=(1, 3, 224, 224),
                  col_names=("output_size", "num_params", "mult_adds"), device="cpu")'
    py_us=$(mean_ms "$py_runs" "$py" -c "$script")
    printf 'python + torchinfo:    %d.%03d ms per run (mean of %d)\n' $((py_us / 1000)) $((py_us % 1000)) "$py_runs"
    if [ "$rnx_us" -gt 0 ]; then
        printf 'ratio: rnx is %d.%01dx faster\n' $((py_us / rnx_us)) $((py_us * 10 / rnx_us % 10))
    fi
else
    echo "python + torchinfo: skipped (no .venv-torch; see scripts/fixtures/requirements.txt)"
fi
