#!/bin/sh
# Issue 15's targets for rnx export on a resnet152-size checkpoint (about 240 MB), against cp in the same run:
#   rnx export (BatchNorm folded) <= 2x the time of cp of the same file, peak memory far below the model;
#   rnx convert OUT.pth (torch.save's archive) timed the same way, for comparison with .rnw (scripts/bench/convert.sh).
# Usage: scripts/bench/export.sh RNX_BINARY
set -eu
rnx=${1:-.build/release/rnx}
cd "$(dirname "$0")/../.."
. scripts/bench/lib.sh
bench_checkpoints >/dev/null
input=$BENCH_DIR/resnet152.pth
out=$BENCH_DIR/out.onnx
pth=$BENCH_DIR/out.pth
copy=$BENCH_DIR/copy
[ -s "$input" ] || { echo "no $input"; exit 0; }
cat "$input" >/dev/null
echo "input: $(basename "$input"), $(stat -c %s "$input") bytes; cp and rnx alternate 7 times (medians)"
set -- $(alternating 7 "cp $input $copy" -- "$rnx" export "$input" "$out" --force)
echo "  cp $1 s, rnx export $2 s: ratio $3 (target <= 2.00)," \
    "peak RSS $(peak_rss_mib "$rnx" export "$input" "$out" --force) MiB (model $(($(stat -c %s "$input") >> 20)) MiB)"
set -- $(alternating 7 "cp $input $copy" -- "$rnx" convert "$input" "$pth" --force)
echo "  cp $1 s, rnx convert OUT.pth $2 s: ratio $3 (target <= 2.00)," \
    "peak RSS $(peak_rss_mib "$rnx" convert "$input" "$pth" --force) MiB"
rm -f "$out" "$pth" "$copy"
