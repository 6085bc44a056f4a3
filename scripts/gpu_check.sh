#!/usr/bin/env bash
# The GPU check of issue #17, for a session lent a GPU machine (the device tool). That machine has
# Python 3.12 with numpy, OpenCV, pandas, scipy, ONNX, pytest and CUDA's libraries, but ONNX Runtime's
# CPU build, no network, and one call carries at most 64 MiB; onnxruntime-gpu alone is about 255 MB.
#
#   scripts/gpu_check.sh pack                 # here: wheels + model + clip into .gpu/1 ... .gpu/N
#   scripts/gpu_check.sh gather K             # there, one call per part, carry [".gpu/K"]
#   scripts/gpu_check.sh run                  # there, in the call that gathers the last part
#
# `run` installs the wheels beside the machine's own packages (onnxruntime-gpu shadows its CPU build),
# runs the detector's GPU tests and the 1080p bench (detector.device auto: the GPU), and writes the
# bench's JSON to $OUT. The machine stays warm only briefly between calls: make the calls back to back.
set -euo pipefail
cd "$(dirname "$0")/.."
SHARED=${CROWDCOUNT_SHARED:-../shared}
STAGE=/tmp/crowdcount-gpu
PART_MB=58
# what the machine lacks to run tests/detect/test_detect.py and scripts/bench.py (versions of .venv, if any)
WHEELS=(onnxruntime-gpu supervision trackers defusedxml pyDeprecate pydantic pydantic-core annotated-types
        typing-inspection shapely SQLAlchemy)

pinned() {  # NAME==VERSION as this checkout's .venv has it, else NAME
    local version
    version=$(.venv/bin/python -m pip show "$1" 2>/dev/null | sed -n 's/^Version: //p') || true
    if [[ -n $version ]]; then echo "$1==$version"; else echo "$1"; fi
}

case ${1:-} in
pack)
    rm -rf .gpu "$STAGE" && mkdir -p "$STAGE/wheels" "$STAGE/shared/models/pedestrian" \
        "$STAGE/shared/footage/pets09_s2l1/gt" .gpu
    specs=()
    for name in "${WHEELS[@]}"; do
        if [[ $name == onnxruntime-gpu ]]; then specs+=("$name"); else specs+=("$(pinned "$name")"); fi
    done
    python3 -m pip download --quiet --no-deps --only-binary=:all: --python-version 3.12 --implementation cp \
        --platform manylinux_2_28_x86_64 --platform manylinux_2_27_x86_64 --platform manylinux_2_17_x86_64 \
        --platform manylinux2014_x86_64 -d "$STAGE/wheels" "${specs[@]}"
    cp "$SHARED/models/yolox_nano.onnx" "$STAGE/shared/models/"
    cp "$SHARED/models/pedestrian/bytetrack_nano.onnx" "$STAGE/shared/models/pedestrian/"
    cp "$SHARED/footage/pets09_s2l1/vtest_1440x1080_25fps.mp4" "$SHARED/footage/pets09_s2l1/vtest.avi" \
        "$STAGE/shared/footage/pets09_s2l1/"
    cp "$SHARED/footage/pets09_s2l1/gt/gt.txt" "$STAGE/shared/footage/pets09_s2l1/gt/"
    tar -C "$STAGE" -cf - wheels shared | split -b "${PART_MB}M" -d -a 2 - .gpu/part.
    count=0
    for part in .gpu/part.*; do
        count=$((count + 1))
        mkdir -p ".gpu/$count" && mv "$part" ".gpu/$count/"
    done
    rm -rf "$STAGE"
    echo "packed $(du -sh .gpu | cut -f1) in $count parts: carry .gpu/1 ... .gpu/$count, one a call"
    ;;
gather)
    mkdir -p "$STAGE/parts" && cp ".gpu/${2:?which part}"/part.* "$STAGE/parts/"
    echo "gathered part ${2}: $(ls "$STAGE/parts" | wc -l) so far"
    ;;
run)
    cat "$STAGE"/parts/part.* | tar -C "$STAGE" -xf -
    python3 -m pip install --quiet --no-index --no-deps --no-compile --target "$STAGE/site" "$STAGE"/wheels/*.whl
    export PYTHONPATH="$STAGE/site:$PWD/src" CROWDCOUNT_SHARED="$STAGE/shared" PYTHONUNBUFFERED=1
    python3 -c "import onnxruntime as o; print('onnxruntime', o.__version__, o.get_available_providers())"
    status=0
    python3 -m pytest -q -p no:cacheprovider tests/detect/test_detect.py -k "gpu or pool" || status=$?
    python3 scripts/bench.py --video "$STAGE/shared/footage/pets09_s2l1/vtest_1440x1080_25fps.mp4" --fps 25 \
        --scale 1.875 --only "decode only (OpenCV" "crowdcount default" "stride 4" --repeat 2 \
        --json "${OUT:-out}/bench_gpu.json" || status=$?
    exit $status
    ;;
*)
    echo "usage: scripts/gpu_check.sh pack | gather K | run" >&2
    exit 2
    ;;
esac
