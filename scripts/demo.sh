#!/bin/sh
# The README's first command: the main job on a checkpoint that real PyTorch wrote
# (fixtures/checkpoints/resnet20-cifar10.pth, by scripts/fixtures/gen_checkpoints.py).
set -eu
rnx=$1
out=$2
pth=fixtures/checkpoints/resnet20-cifar10.pth
mkdir -p "$out"
step() { printf '\n$ %s\n' "$*"; "$@"; }
step "$rnx" inspect "$pth"
step "$rnx" convert "$pth" "$out/resnet20-5class.rnw" --num-classes 5 --force
step "$rnx" verify "$pth" "$out/resnet20-5class.rnw"
step "$rnx" summary "$out/resnet20-5class.rnw" --depth 1
step "$rnx" validate "$pth" --input fixtures/forward/input-cifar.npy --expect fixtures/forward/resnet20-cifar10.logits.npy

# A real checkpoint nobody here wrote: akamaster's pretrained CIFAR-10 ResNet-20 (torch 0.3/0.4 legacy format,
# storages on cuda:0, a training checkpoint with DataParallel's 'module.' prefix); fixtures/real/README.md.
real=fixtures/real/resnet20-12fca82f.th
step "$rnx" inspect "$real"
step "$rnx" convert "$real" "$out/akamaster-resnet20.rnw" --force
step "$rnx" verify "$real" "$out/akamaster-resnet20.rnw"
step "$rnx" validate "$out/akamaster-resnet20.rnw" --input fixtures/forward/input-cifar.npy --expect fixtures/real/resnet20-12fca82f.logits.npy

# A real photo with real weights: the same pretrained ResNet-20 classifying Chelsea the cat
# (fixtures/images/photos/chelsea.jpg, CC0). torchvision's pipeline with the same weights says cat at probability
# 1.0000 (checked with the torch venv).
step "$rnx" predict "$out/akamaster-resnet20.rnw" fixtures/images/photos/chelsea.jpg --top 3
top=$("$rnx" predict "$out/akamaster-resnet20.rnw" fixtures/images/photos/chelsea.jpg --csv --top 1 | sed -n 2p | cut -d, -f4)
[ "$top" = cat ] || { echo "demo: expected 'cat', got '$top'" >&2; exit 1; }
