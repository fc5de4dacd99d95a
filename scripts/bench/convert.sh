#!/bin/sh
# Issue 3's speed and memory targets on a resnet152-size checkpoint (about 240 MB), against baselines in the same run:
#   rnx convert    <= 2x the time of cp of the same file, peak memory far below the model (goal < 64 MiB);
#   rnx verify     <= 1.3x the time of sha256sum of the same file.
# rnx convert must fsync its output and compute two SHA-256 (the source's and the data section's, both stored in the
# metadata), which cp does not; `dd conv=fsync` (a copy that syncs) and CPU seconds are printed as context.
# Usage: scripts/bench/convert.sh RNX_BINARY
set -eu
rnx=${1:-.build/release/rnx}
cd "$(dirname "$0")/../.."
. scripts/bench/lib.sh
bench_checkpoints >/dev/null
out=$BENCH_DIR/out.rnw
copy=$BENCH_DIR/copy
for input in "$BENCH_DIR/resnet152.pth" "$BENCH_DIR/resnet152.safetensors"; do
    [ -s "$input" ] || continue
    cat "$input" >/dev/null
    echo "input: $(basename "$input"), $(stat -c %s "$input") bytes; cp, convert, sha256sum and verify alternate 7 times (medians)"
    set -- $(alternating 7 "cp $input $copy" -- "$rnx" convert "$input" "$out" --force)
    echo "  cp $1 s, rnx convert $2 s: ratio $3 (median of per-round ratios; target <= 2.00)," \
        "peak RSS $(peak_rss_mib "$rnx" convert "$input" "$out" --force) MiB (goal < 64)"
    dd_s=$(best_seconds 3 dd if="$input" of="$copy" bs=4M conv=fsync status=none)
    echo "  context: dd conv=fsync (a copy that syncs, as convert must) best of 3 ${dd_s} s;" \
        "CPU seconds: cp $(cpu_seconds cp "$input" "$copy"), rnx convert $(cpu_seconds "$rnx" convert "$input" "$out" --force)"
    set -- $(alternating 7 "sha256sum $input" -- "$rnx" verify "$input")
    echo "  sha256sum $1 s, rnx verify $2 s: ratio $3 (target <= 1.30), peak RSS $(peak_rss_mib "$rnx" verify "$input") MiB"
done
rm -f "$out" "$copy"
