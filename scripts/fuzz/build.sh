#!/bin/sh
# Builds the libFuzzer targets in Fuzz/ into .build-fuzz/fuzz-<name>, outside the normal `swift build`.
#
# The library targets are compiled by SwiftPM with coverage (-sanitize=fuzzer) and AddressSanitizer into
# .build-fuzz; each harness is then linked by swiftc with libFuzzer's main and the object files it needs.
# Usage: scripts/fuzz/build.sh [pickle|torchzip|legacy|safetensors|tar|image|hfconfig|onnx|scan]...   (default: all nine)
set -eu
cd "$(dirname "$0")/../.."
SWIFT_BIN=${SWIFT_BIN:-$(dirname "$(command -v swift || echo /opt/swift/usr/bin/swift)")}
SAN="-sanitize=fuzzer,address"
B=.build-fuzz/release
# SwiftPM refuses to plan the package while a declared test folder is missing (git keeps no empty folders).
for t in $(sed -n 's/.*testTarget(name: "\([A-Za-z]*\)".*/\1/p' Package.swift); do mkdir -p "Tests/$t"; done
"$SWIFT_BIN/swift" build -c release --build-path .build-fuzz --target RNXCheckpoint \
    -Xswiftc "$SAN" -Xswiftc -parse-as-library >&2
case " ${*:-hfconfig} " in *" hfconfig "*)
    "$SWIFT_BIN/swift" build -c release --build-path .build-fuzz --target RNXArch \
        -Xswiftc "$SAN" -Xswiftc -parse-as-library >&2 ;;
esac
# The onnx target needs RNXExport (swift-protobuf, swift-crypto's BoringSSL) built the same way.
case " ${*:-onnx} " in *" onnx "*)
    "$SWIFT_BIN/swift" build -c release --build-path .build-fuzz --target RNXExport \
        -Xswiftc "$SAN" -Xswiftc -parse-as-library >&2 ;;
esac
case " ${*:-image} " in *" image "*)
    "$SWIFT_BIN/swift" build -c release --build-path .build-fuzz --target RNXImage \
        -Xswiftc "$SAN" -Xswiftc -parse-as-library -Xcc -fsanitize=fuzzer-no-link,address >&2 ;;
esac

objects() {
    for target in "$@"; do find "$B/$target.build" -name '*.o'; done
}
link() {
    name=$1; shift
    echo "fuzz: linking .build-fuzz/fuzz-$name" >&2
    # shellcheck disable=SC2046
    "$SWIFT_BIN/swiftc" $SAN -parse-as-library -O -I "$B/Modules" \
        -Xcc -fmodule-map-file=Sources/CLibzip/module.modulemap -Xcc -fmodule-map-file=Sources/CZlib/module.modulemap \
        -Xcc -fmodule-map-file=Sources/CLibisal/module.modulemap \
        -Xcc -fmodule-map-file="$B/COutputCleanup.build/module.modulemap" \
        "$@" -lzip -lz -lisal -lstdc++ -o ".build-fuzz/fuzz-$name" 2>&1 | grep -v "warning: Cannot export local symbol" >&2 || true
    test -x ".build-fuzz/fuzz-$name"
}
# RNXCheckpoint's writers register interrupted outputs with the C signal handler of COutputCleanup.
CHECKPOINT_OBJECTS=$(objects RNXTensor RNXPickle COutputCleanup RNXCheckpoint)
targets=${*:-pickle torchzip legacy safetensors tar image hfconfig onnx scan}
for t in $targets; do
    rm -f ".build-fuzz/fuzz-$t"
    case $t in
    pickle) link pickle Fuzz/FuzzPickle.swift $(objects RNXPickle) ;;
    torchzip) link torchzip Fuzz/FuzzInput.swift Fuzz/FuzzTorchZip.swift $CHECKPOINT_OBJECTS ;;
    legacy) link legacy Fuzz/FuzzInput.swift Fuzz/FuzzTorchLegacy.swift $CHECKPOINT_OBJECTS ;;
    safetensors) link safetensors Fuzz/FuzzInput.swift Fuzz/FuzzSafetensors.swift $CHECKPOINT_OBJECTS ;;
    tar) link tar Fuzz/FuzzInput.swift Fuzz/FuzzTorchTar.swift $CHECKPOINT_OBJECTS ;;
    scan) link scan Fuzz/FuzzInput.swift Fuzz/FuzzScan.swift $CHECKPOINT_OBJECTS ;;
    image) link image Fuzz/FuzzImage.swift $(objects RNXTensor CImageCodecs RNXImage) \
        -Xcc -fmodule-map-file=Sources/CImageCodecs/include/module.modulemap -ljpeg -lpng16 ;;
    hfconfig) link hfconfig Fuzz/FuzzTransformersConfig.swift $(objects RNXTensor RNXArch) ;;
    onnx) link onnx Fuzz/FuzzONNX.swift $CHECKPOINT_OBJECTS $(objects RNXArch RNXConvert RNXExport SwiftProtobuf \
        Crypto CryptoBoringWrapper CCryptoBoringSSL CCryptoBoringSSLShims CXKCP CXKCPShims) \
        -Xcc -fmodule-map-file=.build-fuzz/checkouts/swift-crypto/Sources/CCryptoBoringSSL/include/module.modulemap \
        -Xcc -fmodule-map-file=.build-fuzz/checkouts/swift-crypto/Sources/CCryptoBoringSSLShims/include/module.modulemap \
        -Xcc -fmodule-map-file=.build-fuzz/checkouts/swift-crypto/Sources/CXKCP/include/module.modulemap \
        -Xcc -fmodule-map-file=.build-fuzz/checkouts/swift-crypto/Sources/CXKCPShims/include/module.modulemap ;;
    *) echo "fuzz: unknown target $t (pickle, torchzip, legacy, safetensors, tar, image, hfconfig, onnx, scan)" >&2; exit 64 ;;
    esac
done
