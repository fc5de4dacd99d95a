#!/bin/sh
# rnx inspect on a 240 MB resnet152 checkpoint (zip and legacy): reads the directory and the pickle only.
# Target (issue 2): well under 0.1 s. Baseline in the same run: `cat FILE > /dev/null` on a warm cache.
# Usage: scripts/bench/inspect.sh RNX_BINARY [WORKDIR]
set -eu
rnx=$1
work=${2:-/tmp/rnx-bench}
py=${PYTHON:-.venv-torch/bin/python}
mkdir -p "$work"
zip="$work/resnet152.pth"
legacy="$work/resnet152-legacy.pth"
if [ ! -f "$zip" ] || [ ! -f "$legacy" ]; then
    if [ ! -x "$py" ]; then echo "inspect bench: no torch venv ($py) to write resnet152; skipped"; exit 0; fi
    "$py" -c "
import torch, torchvision
sd = torchvision.models.resnet152().state_dict()
torch.save(sd, '$zip')
torch.save(sd, '$legacy', _use_new_zipfile_serialization=False)
"
fi
seconds() {  # best of 5 wall-clock runs of "$@", in seconds
    best=""
    for _ in 1 2 3 4 5; do
        start=$(date +%s.%N); "$@" >/dev/null; end=$(date +%s.%N)
        t=$(echo "$end - $start" | bc -l)
        if [ -z "$best" ] || [ "$(echo "$t < $best" | bc -l)" = 1 ]; then best=$t; fi
    done
    echo "$best"
}
cat "$zip" "$legacy" >/dev/null  # warm the cache
for file in "$zip" "$legacy"; do
    cat_s=$(seconds cat "$file")
    inspect_s=$(seconds "$rnx" inspect "$file")
    printf '%s: rnx inspect %.4f s (target < 0.1 s), cat %.4f s, ratio inspect/cat %.3f\n' \
        "$(basename "$file")" "$inspect_s" "$cat_s" "$(echo "$inspect_s / $cat_s" | bc -l)"
done
