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
    cat_s=$(best_seconds 5 cat "$file")
    inspect_s=$(best_seconds 5 "$rnx" inspect "$file")
    read_s=$(best_seconds 5 "$rnx" inspect --check-data "$file")
    echo "$(basename "$file"): cat ${cat_s}s; rnx inspect ${inspect_s}s (target < 0.1 s);" \
        "rnx inspect --check-data (reads every tensor) ${read_s}s, ratio to cat $(ratio "$read_s" "$cat_s") (target <= 2)"
done
