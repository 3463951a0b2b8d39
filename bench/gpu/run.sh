#!/usr/bin/env bash
# bench/gpu/run.sh — the one command that runs the GPU benchmark on a lent GPU machine, from the kit that
# bench/gpu/prepare.sh built (.gpu-kit/ and .gl/, carried along with the working tree):
#
#   bash bench/gpu/run.sh [--local] [--quick] [-- more options for bench/gpu.ts]
#
# 1. installs the Vulkan loader from .gl/*.deb (dpkg -x into /, ldconfig) and points the loader at the
#    NVIDIA driver's ICD (VK_DRIVER_FILES), as the device README says;
# 2. unpacks Node and the `webgpu` package into /tmp/convnet-gpu-kit (bundle + node_modules/webgpu);
# 3. runs the PyTorch side (.gpu-kit/gpu_torch.py) first, so its numbers are kept whatever Node does;
# 4. runs the bundle of bench/gpu.ts with that Node (convnet webgpu, tfjs-webgpu, ratios, targets).
# Every step says what failed and the script goes on to the next measurement. Everything printed goes to
# $OUT/gpu-bench.log too; gpu-bench.json (bench/gpu.ts's numbers) and torch.json land beside it.
#
# --local simulates the run on a machine without a GPU (this one): no dpkg step, Dawn's OpenGL ES backend
# on llvmpipe (CONVNET_WEBGPU_FLAGS=backend=opengles), PyTorch from /usr/bin/python3 on the CPU when the
# python3 on PATH has none (--allow-cpu: proves the script path; gpu.ts takes no ratio from CPU numbers).
# Use it with --quick. $OUT defaults to /tmp/convnet-gpu-out where the device tool has not set it.
set -u -o pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
LOCAL=0
QUICK=()
EXTRA=()
while [ $# -gt 0 ]; do
  case "$1" in
    --local) LOCAL=1 ;;
    --quick) QUICK=(--quick) ;;
    --) shift; EXTRA+=("$@"); break ;;
    *) EXTRA+=("$1") ;;
  esac
  shift
done
OUT=${OUT:-/tmp/convnet-gpu-out}  # the device tool sets OUT; its files come back
mkdir -p "$OUT"
WORK=/tmp/convnet-gpu-kit
KIT=$ROOT/.gpu-kit
TORCH_TIMEOUT=${TORCH_TIMEOUT:-120}
NODE_TIMEOUT=${NODE_TIMEOUT:-240}

step() { printf '\n== %s (%s)\n' "$*" "$(date -u +%H:%M:%S)"; }
warn() { printf '!! %s\n' "$*"; }

# xz is usually there; python3's lzma is the fallback (the image surely has python3).
unxz_to() {
  if command -v xz >/dev/null 2>&1; then xz -dc "$1" >"$2"
  else python3 -c 'import lzma, shutil, sys; shutil.copyfileobj(lzma.open(sys.argv[1]), open(sys.argv[2], "wb"))' "$1" "$2"
  fi
}
untar_xz() {
  if command -v xz >/dev/null 2>&1; then tar -xJf "$1" -C "$2"
  else python3 -c 'import sys, tarfile; tarfile.open(sys.argv[1]).extractall(sys.argv[2])' "$1" "$2"
  fi
}

main() {
  step "machine"
  echo "kit: $(head -2 "$KIT/MANIFEST" 2>/dev/null | tr '\n' ';' || echo 'no .gpu-kit/MANIFEST: was .gpu-kit carried?')"
  uname -srm; nproc
  if command -v nvidia-smi >/dev/null 2>&1; then
    nvidia-smi --query-gpu=name,driver_version,memory.total,clocks.sm,clocks.max.sm --format=csv || warn "nvidia-smi failed"
  else
    echo "no nvidia-smi here"
  fi

  if [ "$LOCAL" = 0 ]; then
    step "Vulkan loader from .gl/*.deb"
    if ls .gl/*.deb >/dev/null 2>&1; then
      for f in .gl/*.deb; do dpkg -x "$f" / || warn "dpkg -x $f failed"; done
      ldconfig || warn "ldconfig failed"
    else
      warn "no .gl/*.deb (was .gl in carry?); relying on the image's own loader"
    fi
    ldconfig -p | grep -E 'libvulkan\.so\.1|libEGL\.so\.1' || warn "ldconfig knows no libvulkan.so.1: Dawn will find no Vulkan adapter"
    local icd=/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json
    if [ -f "$icd" ]; then
      export VK_DRIVER_FILES=$icd
      echo "VK_DRIVER_FILES=$VK_DRIVER_FILES"
    else
      warn "$icd is missing; ICDs found elsewhere:"
      ls /usr/share/vulkan/icd.d /etc/vulkan/icd.d /usr/local/nvidia/share/vulkan/icd.d 2>&1 | sed 's/^/   /'
    fi
    # Only for the fallback: if Vulkan gives no adapter, convnet tries Dawn's OpenGL ES backend, which on
    # this machine reaches the NVIDIA driver through EGL (compatibility mode).
    local egl=/usr/local/nvidia/share/glvnd/egl_vendor.d/10_nvidia.json
    [ -f "$egl" ] && export __EGL_VENDOR_LIBRARY_FILENAMES=$egl
  else
    export CONVNET_WEBGPU_FLAGS=${CONVNET_WEBGPU_FLAGS:-backend=opengles}
    echo "--local: no dpkg step; CONVNET_WEBGPU_FLAGS=$CONVNET_WEBGPU_FLAGS (a software adapter here)"
  fi

  step "unpacking Node and the webgpu package into $WORK"
  local node=""
  rm -rf "$WORK" && mkdir -p "$WORK/node_modules"
  if unxz_to "$KIT/node.xz" "$WORK/node" && chmod +x "$WORK/node" && "$WORK/node" --version; then
    node=$WORK/node
  else
    warn "Node did not unpack or does not run: the convnet and tfjs measurements are skipped"
  fi
  if untar_xz "$KIT/webgpu.tar.xz" "$WORK/node_modules"; then
    local dawn=$WORK/node_modules/webgpu/dist/linux-x64/dawn.node
    if ldd "$dawn" | grep 'not found'; then warn "dawn.node misses the libraries above"; else echo "dawn.node: libraries found"; fi
  else
    warn "webgpu.tar.xz did not unpack: convnet's webgpu backend will not start"
  fi
  cp "$KIT/gpu.mjs" "$WORK/gpu.mjs" || warn "no .gpu-kit/gpu.mjs (run bench/gpu/prepare.sh)"

  step "PyTorch (fp32 with TF32 off, fp32 + cudnn.benchmark, defaults)"
  local torch_json=$OUT/torch.json python=python3 torch_args=()
  rm -f "$torch_json"
  if [ "$LOCAL" = 1 ] && ! python3 -c 'import torch' 2>/dev/null && /usr/bin/python3 -c 'import torch' 2>/dev/null; then
    python=/usr/bin/python3; torch_args=(--allow-cpu)
  fi
  local ns=(--ns 8,64 --images 60000)
  [ ${#QUICK[@]} -gt 0 ] && ns=(--ns 1,2 --images 256 --quick)
  PYTHONUNBUFFERED=1 timeout "$TORCH_TIMEOUT" "$python" "$KIT/gpu_torch.py" "${ns[@]}" "${torch_args[@]}" --out "$torch_json" >/dev/null
  local rc=$?
  [ "$rc" = 0 ] || warn "the PyTorch script failed (exit $rc$([ "$rc" = 124 ] && echo ": over ${TORCH_TIMEOUT}s")); going on"

  step "convnet webgpu and tfjs-webgpu (bench/gpu.ts bundle)"
  if [ -n "$node" ] && [ -f "$WORK/gpu.mjs" ]; then
    timeout "$NODE_TIMEOUT" "$node" "$WORK/gpu.mjs" "${QUICK[@]}" --torch-json "$torch_json" --json "$OUT/gpu-bench.json" "${EXTRA[@]}"
    rc=$?
    [ "$rc" = 0 ] || warn "the Node bench failed (exit $rc$([ "$rc" = 124 ] && echo ": over ${NODE_TIMEOUT}s")); what it printed is above"
  else
    warn "no Node or no bundle: convnet and tfjs not measured"
  fi

  step "after"
  command -v nvidia-smi >/dev/null 2>&1 && nvidia-smi --query-gpu=clocks.sm,temperature.gpu,memory.used --format=csv
  ls -la "$OUT"
}

main 2>&1 | tee "$OUT/gpu-bench.log"
