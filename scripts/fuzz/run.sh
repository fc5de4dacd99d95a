#!/bin/sh
# Runs each libFuzzer target for FUZZ_SECONDS (default 60), seeded from fixtures/, and prints one summary line
# per target: executions, seconds, new corpus size and crashes. Crash inputs land in fuzz-out/<target>/.
#
# Limits passed to libFuzzer make resource bugs findings too: a run over 10 s is a hang (-timeout), a single
# allocation over 512 MB or a process over 1.5 GB is reported (-malloc_limit_mb, -rss_limit_mb).
# Usage: FUZZ_SECONDS=60 scripts/fuzz/run.sh [pickle|torchzip|legacy|safetensors|tar|image|hfconfig|onnx|scan]...
set -u
cd "$(dirname "$0")/../.."
SECONDS_EACH=${FUZZ_SECONDS:-60}
targets=${*:-pickle torchzip legacy safetensors tar image hfconfig onnx scan}
# FUZZ_NO_BUILD=1 skips the build, so several run.sh can share one build (one per core).
[ "${FUZZ_NO_BUILD:-0}" = 1 ] || scripts/fuzz/build.sh $targets || exit 1
seeds=.build-fuzz/seeds-$$
trap 'rm -rf "$seeds"' EXIT
rm -rf "$seeds" && mkdir -p "$seeds/pickle" "$seeds/files" "$seeds/images" "$seeds/configs" "$seeds/onnx"
# The hfconfig target: the attack configs and every small JSON fixture (config.json-like objects among them).
find fixtures/hfconfig fixtures/arch -type f -name '*.json' -size -64k -exec cp {} "$seeds/configs/" \;
# The onnx target: the ONNX attack files (valid.onnx and external-valid.onnx among them).
find fixtures/onnx -type f -name '*.onnx' -size -300k -exec cp {} "$seeds/onnx/" \;
# The image target: every committed JPEG and PNG (photos, modes, attacks).
find fixtures/images -type f \( -name '*.jpg' -o -name '*.png' \) -size -300k -exec cp {} "$seeds/images/" \;
# Seeds: every committed checkpoint, safetensors and attack file; the pickle target gets the pickles inside them.
find fixtures -type f \( -name '*.pth' -o -name '*.pt' -o -name '*.tar' -o -name '*.safetensors' -o -name '*.rnw' \
    -o -name '*.bin' \) -size -1100k -exec cp {} "$seeds/files/" \;
# The scan target: those files and the scan corpus (raw pickles, .npy, .npz, zip tricks).
mkdir -p "$seeds/scan"
cp "$seeds/files/"* "$seeds/scan/" 2>/dev/null
find fixtures/scan -type f ! -name EXPECTED.json -exec cp {} "$seeds/scan/" \;
python3 - "$seeds" <<'PY'
import os, sys, zipfile
seeds = sys.argv[1]
for name in os.listdir(os.path.join(seeds, "files")):
    path = os.path.join(seeds, "files", name)
    try:
        with zipfile.ZipFile(path) as z:
            for info in z.infolist():
                if info.filename.endswith(".pkl") and info.file_size < 1 << 20:
                    with open(os.path.join(seeds, "pickle", name + "." + info.filename.replace("/", "_")), "wb") as f:
                        f.write(z.read(info))
    except Exception:
        pass  # not a zip, or a deliberately broken one
PY
status=0
for t in $targets; do
    corpus=.build-fuzz/corpus-$t
    out=fuzz-out/$t
    mkdir -p "$corpus" "$out"
    case $t in
    pickle) seed_dir=$seeds/pickle; max_len=65536 ;;
    torchzip) seed_dir=$seeds/files; max_len=262144 ;;
    image) seed_dir=$seeds/images; max_len=131072 ;;
    hfconfig) seed_dir=$seeds/configs; max_len=65536 ;;
    onnx) seed_dir=$seeds/onnx; max_len=131072 ;;
    scan) seed_dir=$seeds/scan; max_len=65536 ;;
    *) seed_dir=$seeds/files; max_len=65536 ;;
    esac
    log=$out/fuzz.log
    # Fork mode keeps fuzzing after a finding (each is saved under fuzz-out/<target>/), so one bounded run
    # reports every OOM, timeout and crash it meets instead of stopping at the first.
    ".build-fuzz/fuzz-$t" -fork=1 -ignore_ooms=1 -ignore_timeouts=1 -ignore_crashes=1 \
        -max_total_time="$SECONDS_EACH" -timeout=10 -malloc_limit_mb=512 -rss_limit_mb=1536 \
        -max_len=$max_len -artifact_prefix="$out/" "$corpus" "$seed_dir" >"$log" 2>&1
    rc=$?
    last=$(grep -E '^#[0-9]+: ' "$log" | tail -1)
    runs=$(echo "$last" | sed -n 's/^#\([0-9]*\):.*/\1/p')
    counts=$(echo "$last" | sed -n 's/.*oom\/timeout\/crash: \([0-9/]*\).*/\1/p')
    took=$(echo "$last" | sed -n 's/.* time: \([0-9]*\)s.*/\1/p')
    findings=$(find "$out" -name 'crash-*' -o -name 'leak-*' -o -name 'timeout-*' -o -name 'oom-*' | wc -l)
    echo "fuzz $t: exit $rc, ${runs:-?} executions in ${took:-?} s, oom/timeout/crash ${counts:-?}, corpus $(ls "$corpus" | wc -l), artifacts $findings (log $log)"
    [ "${counts:-0/0/0}" = "0/0/0" ] || status=1
    [ "$rc" -eq 0 ] || status=1
done
exit $status
