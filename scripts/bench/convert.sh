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
    cp_s=$(best_seconds 3 cp "$input" "$copy")
    dd_s=$(best_seconds 3 dd if="$input" of="$copy" bs=4M conv=fsync status=none)
    convert_s=$(best_seconds 3 "$rnx" convert "$input" "$out" --force)
    sha_s=$(best_seconds 3 sha256sum "$input")
    verify_s=$(best_seconds 3 "$rnx" verify "$input")
    echo "input: $(basename "$input"), $(stat -c %s "$input") bytes"
    echo "  cp           ${cp_s}s  cpu $(cpu_seconds cp "$input" "$copy")s"
    echo "  dd fsync     ${dd_s}s"
    echo "  rnx convert  ${convert_s}s  cpu $(cpu_seconds "$rnx" convert "$input" "$out" --force)s" \
        "ratio $(ratio "$convert_s" "$cp_s") vs cp (target <= 2.00), $(ratio "$convert_s" "$dd_s") vs dd fsync," \
        "peak RSS $(peak_rss_mib "$rnx" convert "$input" "$out" --force) MiB (goal < 64)"
    echo "  sha256sum    ${sha_s}s"
    echo "  rnx verify   ${verify_s}s  ratio $(ratio "$verify_s" "$sha_s") (target <= 1.30)," \
        "peak RSS $(peak_rss_mib "$rnx" verify "$input") MiB"
done
rm -f "$out" "$copy"
