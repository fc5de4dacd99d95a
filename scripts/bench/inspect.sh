#!/bin/sh
# Issue 2's reader targets on a 240 MB resnet152 checkpoint (zip and legacy), against `cat FILE > /dev/null` on a
# warm cache in the same run:
#   rnx inspect reads only the zip directory and the pickle: well under 0.1 s;
#   reading every tensor runs at I/O speed, within 2x of cat: `rnx inspect --check-data` reads every tensor's
#   bytes (zip CRC-32s, storage bounds) besides the directory and pickle.
# Usage: scripts/bench/inspect.sh RNX_BINARY
set -eu
rnx=${1:-.build/release/rnx}
cd "$(dirname "$0")/../.."
. scripts/bench/lib.sh
bench_checkpoints >/dev/null
for file in "$BENCH_DIR/resnet152.pth" "$BENCH_DIR/resnet152-legacy.pth"; do
    [ -s "$file" ] || { echo "inspect: $(basename "$file") needs the torch venv; skipped"; continue; }
    cat "$file" >/dev/null
    inspect_s=$(best_seconds 5 "$rnx" inspect "$file")
    set -- $(alternating 15 "cat $file" -- "$rnx" inspect --check-data "$file")
    echo "$(basename "$file"): rnx inspect ${inspect_s}s (best of 5; target < 0.1 s);" \
        "alternating 15 times: cat $1 s, rnx inspect --check-data (reads every tensor) $2 s (medians)," \
        "ratio $3 (median of per-round ratios; target <= 2)"
done
