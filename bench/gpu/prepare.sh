#!/usr/bin/env bash
# bench/gpu/prepare.sh — builds, on this machine, the kit that bench/gpu/run.sh runs on a lent GPU machine
# (x86-64, NVIDIA, python3 with torch, but no Node.js and no network). Run once from anywhere:
#
#   bash bench/gpu/prepare.sh [--refresh-gl]
#
# It writes two ignored folders at the repository root (listed in .git/info/exclude, not .gitignore:
# they are build outputs of this one workplace) that the device call names in `carry`:
#   .gpu-kit/  node.xz            this machine's Node 20 binary, xz-compressed (≈99 MB raw)
#              gpu.mjs            bench/gpu.ts bundled by esbuild with convnet, tfjs-core and
#                                 tfjs-backend-webgpu inside (from bench/node_modules, which
#                                 scripts/side-package.mjs installs first); only `webgpu` left outside
#              webgpu.tar.xz      the npm package `webgpu` (Dawn) trimmed to its linux-x64 binary
#              gpu_torch.py       the PyTorch side, the version the bundle was built with
#              MANIFEST           versions, commit, sizes and sha256 of the above
#   .gl/       *.deb              the Vulkan loader and GL dispatch libraries (libvulkan1, libglvnd, …)
#                                 for amd64, which that machine's image lacks (device README)
# and checks that the kit plus the working tree that travels stay well under the 64 MiB a call carries.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
KIT=.gpu-kit
REFRESH_GL=0
for a in "$@"; do
  case "$a" in
    --refresh-gl) REFRESH_GL=1 ;;
    *) echo "prepare.sh: unknown option $a" >&2; exit 2 ;;
  esac
done

say() { printf '== %s\n' "$*"; }

# Ignored here only: the kit is this workplace's build output, not part of the project.
EXCLUDE=$(git rev-parse --git-path info/exclude)
mkdir -p "$(dirname "$EXCLUDE")"
touch "$EXCLUDE"
for p in /.gpu-kit/ /.gl/; do grep -qxF "$p" "$EXCLUDE" || echo "$p" >>"$EXCLUDE"; done

rm -rf "$KIT"
mkdir -p "$KIT"

# 1. The bundle. The `webgpu` package stays external: it is a native addon (dawn.node) that run.sh unpacks
#    into a node_modules folder beside the bundle, where Node's ESM resolution finds it. ESM has no
#    `require`; tfjs-core calls it for Node built-ins, so the banner defines one.
#    The tfjs packages are bench/'s own (bench/package.json): install them first if they are not there.
#    esbuild, like Node, resolves bench/'s bare imports from bench/node_modules, then the root's.
node scripts/side-package.mjs bench
say "bundling bench/gpu.ts"
node_modules/.bin/esbuild bench/gpu.ts --bundle --platform=node --format=esm --target=node20 \
  --external:webgpu --outfile="$KIT/gpu.mjs" --log-level=warning --legal-comments=none \
  --banner:js="import { createRequire as __convnetRequire } from 'node:module'; const require = __convnetRequire(import.meta.url);"

# 2. Node: the binary this machine runs the bench with (Node 20; the GPU machine has none).
NODE_BIN=/usr/bin/node
[ -x "$NODE_BIN" ] || NODE_BIN=$(command -v node)
NODE_VERSION=$("$NODE_BIN" --version)
case "$NODE_VERSION" in v20.*|v2[1-9].*) ;; *) echo "prepare.sh: $NODE_BIN is $NODE_VERSION; Node ≥ 20 needed" >&2; exit 1 ;; esac
say "compressing $NODE_BIN ($NODE_VERSION)"
xz -T2 -6 -c "$NODE_BIN" >"$KIT/node.xz"

# 3. The webgpu package, linux-x64 only (the other platforms' binaries are ~110 MB more).
#    It is bench/'s package (bench/package.json), installed by scripts/side-package.mjs above.
WEBGPU_VERSION=$(node -p "require('./bench/node_modules/webgpu/package.json').version")
say "packing webgpu $WEBGPU_VERSION (linux-x64)"
[ -f bench/node_modules/webgpu/dist/linux-x64/dawn.node ] || { echo "prepare.sh: bench/node_modules/webgpu/dist/linux-x64/dawn.node is missing (npm run bench:deps)" >&2; exit 1; }
files=(webgpu/package.json webgpu/index.js webgpu/dist/linux-x64)
[ -f bench/node_modules/webgpu/LICENSE.md ] && files+=(webgpu/LICENSE.md)
tar -C bench/node_modules -cf - "${files[@]}" | xz -T2 -6 -c >"$KIT/webgpu.tar.xz"

cp bench/gpu_torch.py "$KIT/gpu_torch.py"

# 4. The Vulkan loader and GL dispatch libraries, as the device README says (amd64 whatever this machine is).
if [ "$REFRESH_GL" = 1 ] || ! ls .gl/libvulkan1_*.deb >/dev/null 2>&1; then
  say "downloading the Vulkan loader .debs into .gl/"
  rm -rf .gl
  mkdir -p .gl /tmp/amd64/partial
  o='-oAPT::Architecture=amd64 -oAPT::Architectures=amd64 -oDir::State::Lists=/tmp/amd64'
  # shellcheck disable=SC2086
  apt-get $o update >/dev/null
  # shellcheck disable=SC2086
  (cd .gl && apt-get $o download libvulkan1 libegl1 libglvnd0 libopengl0 libgl1 libglx0 libgles2)
else
  say ".gl/ already holds the loader .debs (--refresh-gl to download them again)"
fi
ls .gl/libvulkan1_*.deb >/dev/null

# 5. Manifest and sizes.
{
  echo "built $(date -u +%Y-%m-%dT%H:%M:%SZ) on $(uname -m)"
  echo "commit $(git rev-parse HEAD 2>/dev/null || echo unknown), $(git status --porcelain 2>/dev/null | wc -l) changed files in the tree"
  echo "node $NODE_VERSION from $NODE_BIN"
  echo "webgpu $WEBGPU_VERSION linux-x64"
  echo "tfjs-backend-webgpu $(node -p "require('./bench/node_modules/@tensorflow/tfjs-backend-webgpu/package.json').version")"
  echo "esbuild $(node_modules/.bin/esbuild --version)"
  (cd "$KIT" && sha256sum gpu.mjs node.xz webgpu.tar.xz gpu_torch.py)
  (cd .gl && sha256sum ./*.deb)
} >"$KIT/MANIFEST"
cat "$KIT/MANIFEST"

kit_bytes=$(du -cb "$KIT" .gl | tail -1 | cut -f1)
tree_bytes=$(git ls-files -z --cached --others --exclude-standard | du -cb --files0-from=- 2>/dev/null | tail -1 | cut -f1)
total=$((kit_bytes + tree_bytes))
mib() { awk -v b="$1" 'BEGIN { printf "%.1f MiB", b / 1048576 }'; }
say "sizes"
du -b "$KIT"/* .gl/*.deb | awk '{ printf "  %8.2f MiB  %s\n", $1 / 1048576, $2 }'
echo "  kit (.gpu-kit + .gl): $(mib "$kit_bytes"); working tree that travels: $(mib "$tree_bytes"); total $(mib "$total") of the 64 MiB a call carries"
if [ "$total" -gt $((56 * 1048576)) ]; then
  echo "prepare.sh: the kit and the tree come to $(mib "$total"), too close to the 64 MiB limit" >&2
  exit 1
fi
say "ready: carry ['.gpu-kit', '.gl'] and run bench/gpu/run.sh there (bench/gpu/README.md)"
