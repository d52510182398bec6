#!/usr/bin/env bash
# One-command set-up: creates .venv/ and installs the pinned, verified stack (see README).
# mmcv 2.1.0 has only an sdist on PyPI: its wheel WITH compiled ops is built once (~20 min on
# 2 cores) into $COURSE_WHEEL_CACHE and reused by every later `make setup` on the machine.
# With an NVIDIA GPU (found from its driver, not from nvcc; course_lib/hardware.py decides) torch's
# CUDA build is installed and mmcv is compiled with CUDA ops, cached per torch + CUDA version.
# COURSE_GPU=none forces the CPU build.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-python3.11}
VENV=${VENV:-.venv}
CACHE=${COURSE_WHEEL_CACHE:-$HOME/.cache/video-course/wheels}
MMCV_VERSION=2.1.0
TORCH_VERSION=$(sed -n 's/^torch==//p' requirements/torch.txt)
PIP_QUIET=${PIP_QUIET:--q}
start=$(date +%s)
step() { printf '\n[setup %4ss] %s\n' "$(( $(date +%s) - start ))" "$*"; }
quiet_pip() {  # pip, minus the noise of this machine's unused local indexes; keeps pip's exit code
  local log rc=0; log=$(mktemp)
  "$VENV/bin/pip" "$@" >"$log" 2>&1 || rc=$?
  grep -v -e 'is ignored: it is neither' "$log" || true
  rm -f "$log"; return $rc
}

command -v "$PYTHON" >/dev/null || PYTHON=python3
"$PYTHON" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))' \
  || echo "WARNING: the course is verified on Python 3.11; $("$PYTHON" --version) may not work."

step "virtual environment in $VENV"
[ -x "$VENV/bin/python" ] || "$PYTHON" -m venv "$VENV"
quiet_pip install $PIP_QUIET -r requirements/build.txt

step "GPU or CPU"
# stdlib only, run by path (-I: the package folder must not shadow the standard library)
eval "$("$VENV/bin/python" -I course_lib/hardware.py plan --torch "$TORCH_VERSION")"

LOCK=requirements/lock.txt
if [ "$COURSE_DEVICE" = cuda ]; then
  LOCK="$VENV/lock-$PLAN_CUDA_TAG.txt"  # the lock pins torch's CPU build (+cpu); drop that line
  grep -v '^torch==' requirements/lock.txt > "$LOCK"
  step "torch $TORCH_VERSION (CUDA build $PLAN_CUDA_TAG, from $PLAN_TORCH_INDEX_URL)"
  quiet_pip install $PIP_QUIET "torch==$TORCH_VERSION+$PLAN_CUDA_TAG" -c "$LOCK" \
    --index-url "$PLAN_TORCH_INDEX_URL" --extra-index-url https://pypi.org/simple
else
  step "torch $TORCH_VERSION (CPU build)"
  quiet_pip install $PIP_QUIET -r requirements/torch.txt -c "$LOCK" \
    ${TORCH_INDEX_URL:+--index-url "$TORCH_INDEX_URL"}
fi

# The wheel is built against this torch (and CUDA version); the cache key says so.
WHEEL_DIR="$CACHE/mmcv-$MMCV_VERSION-torch$TORCH_VERSION${PLAN_CUDA_TAG:+-$PLAN_CUDA_TAG}-$("$VENV/bin/python" -c 'import sys; print(f"cp{sys.version_info[0]}{sys.version_info[1]}")')"
if ! ls "$WHEEL_DIR"/mmcv-"$MMCV_VERSION"-*.whl >/dev/null 2>&1; then
  step "building mmcv $MMCV_VERSION WITH compiled ops (NMS, RoIAlign) -> $WHEEL_DIR"
  echo "  PyPI has only mmcv's source; a plain pip install would build it WITHOUT ops."
  echo "  This compiles ~200 C++ files: ~20 min on 2 cores, once per machine. Log: $WHEEL_DIR/build.log"
  if [ "$PLAN_MMCV_CUDA" = 1 ]; then
    echo "  With CUDA ops (nvcc; GPU arch ${PLAN_CUDA_ARCH:-as torch decides}): expect it to take several times longer."
  fi
  mkdir -p "$WHEEL_DIR"
  ( env MMCV_WITH_OPS=1 FORCE_CUDA="$PLAN_MMCV_CUDA" ${PLAN_CUDA_ARCH:+TORCH_CUDA_ARCH_LIST="$PLAN_CUDA_ARCH"} \
      MAX_JOBS="$(nproc)" "$VENV/bin/pip" wheel --no-deps --no-build-isolation \
      "mmcv==$MMCV_VERSION" -w "$WHEEL_DIR/tmp" >"$WHEEL_DIR/build.log" 2>&1 ) &
  build=$!
  while kill -0 "$build" 2>/dev/null; do
    sleep 60
    kill -0 "$build" 2>/dev/null && echo "  ... still compiling mmcv ($(( ($(date +%s) - start) / 60 )) min since set-up began)"
  done
  if ! wait "$build"; then
    tail -20 "$WHEEL_DIR/build.log"; echo "mmcv build FAILED; full log: $WHEEL_DIR/build.log"; exit 1
  fi
  mv "$WHEEL_DIR"/tmp/mmcv-*.whl "$WHEEL_DIR"/ && rm -rf "$WHEEL_DIR/tmp"
else
  step "mmcv $MMCV_VERSION wheel with ops found in cache: $WHEEL_DIR"
fi

step "OpenMMLab, OpenVINO, NNCF, JupyterLab and the rest (requirements/course.txt)"
quiet_pip install $PIP_QUIET "$WHEEL_DIR"/mmcv-"$MMCV_VERSION"-*.whl -r requirements/course.txt \
  -c "$LOCK"

step "course_lib (editable) and the Jupyter kernel 'video-course'"
quiet_pip install $PIP_QUIET --no-deps -e .
"$VENV/bin/python" -m ipykernel install --sys-prefix --name video-course \
  --display-name "Video course (.venv)" --env OMP_WAIT_POLICY PASSIVE >/dev/null  # see Makefile

step "checking the installation"
"$VENV/bin/python" -m course_lib doctor
step "done in $(( $(date +%s) - start )) s. Next: make test, or make lab"
