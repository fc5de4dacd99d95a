#!/bin/sh
# make bench: every benchmark in scripts/bench/, each printing its figures and a ratio against a baseline
# measured in the same script (cp, cat, sha256sum, PyTorch), because this machine is too noisy for absolute numbers.
set -eu
rnx=${1:-.build/release/rnx}
cd "$(dirname "$0")/.."
status=0
for bench in scripts/bench/*.sh; do
    [ -e "$bench" ] || continue
    echo "== $bench"
    sh "$bench" "$rnx" || { echo "   (failed: $bench)"; status=1; }
done
exit $status
