// scripts/test-deps.mjs — what `npm test` needs beyond npm, provided before the suite starts (npm runs
// this as `pretest`): Debian's Chromium for the browser tests, Mesa's EGL and GLES (with llvmpipe) for
// the webgpu backend's tests on a machine without a GPU (Dawn's OpenGL ES backend), Debian's python3-torch
// and python3-onnx for the interop tests, onnxruntime-node and Dawn (webgpu) in bench/node_modules, and
// playwright-core and TypeDoc in test/node_modules (both side packages: scripts/side-package.mjs). As root on Debian it
// installs what is missing with apt-get and says so in one line; otherwise it stops at once with the one
// command to run. CONVNET_TEST_DEPS=skip leaves the check out.

import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { ensureSidePackage } from './side-package.mjs';

/** Each Debian package with a file that shows it is installed (any one of the paths). */
const NEEDS = [
  { pkg: 'chromium', files: ['/usr/bin/chromium'], why: 'the browser tests' },
  { pkg: 'libegl1', files: ['/usr/lib/x86_64-linux-gnu/libEGL.so.1', '/usr/lib/aarch64-linux-gnu/libEGL.so.1'], why: 'webgpu on Mesa' },
  { pkg: 'libegl-mesa0', files: ['/usr/lib/x86_64-linux-gnu/libEGL_mesa.so.0', '/usr/lib/aarch64-linux-gnu/libEGL_mesa.so.0'], why: 'webgpu on Mesa' },
  { pkg: 'libgles2', files: ['/usr/lib/x86_64-linux-gnu/libGLESv2.so.2', '/usr/lib/aarch64-linux-gnu/libGLESv2.so.2'], why: 'webgpu on Mesa' },
  { pkg: 'libgl1-mesa-dri', files: ['/usr/lib/x86_64-linux-gnu/dri/swrast_dri.so', '/usr/lib/aarch64-linux-gnu/dri/swrast_dri.so'], why: 'llvmpipe' },
  { pkg: 'python3-torch', files: ['/usr/lib/python3/dist-packages/torch/__init__.py'], why: 'the PyTorch fixtures and the --pytorch export test' },
  { pkg: 'python3-onnx', files: ['/usr/lib/python3/dist-packages/onnx/__init__.py'], why: 'onnx.checker on the exported ONNX models' },
];

if (process.env.CONVNET_TEST_DEPS === 'skip') process.exit(0);

// onnxruntime-node and Dawn (bench/'s package), playwright-core and TypeDoc (test/'s) are kept out of the
// root's install (issue 13): installed here when missing or stale, saying so in one line.
if (!ensureSidePackage('bench') || !ensureSidePackage('test')) {
  console.error('npm test: the ONNX, webgpu, browser and docs tests need bench/ and test/ packages; run `npm run bench:deps && npm run test:deps`');
  process.exit(1);
}

const missing = NEEDS.filter((n) => !n.files.some((f) => existsSync(f)));
if (missing.length === 0) process.exit(0);

const names = missing.map((n) => n.pkg).join(' ');
const command = `apt-get install -y --no-install-recommends ${names}`;
const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
const hasApt = existsSync('/usr/bin/apt-get');
if (!isRoot || !hasApt) {
  console.error(`npm test needs Debian packages that are not installed: ${missing.map((n) => `${n.pkg} (${n.why})`).join(', ')}.`);
  console.error(hasApt ? `Run as root: ${command}` : `Install the equivalents of: ${names} (or set CONVNET_TEST_DEPS=skip and CONVNET_TEST_WEBGPU=0 to run without them)`);
  process.exit(1);
}
console.log(`npm test: installing Debian packages the tests need: ${names}`);
const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
for (const args of [['update', '-qq'], ['install', '-y', '-qq', '--no-install-recommends', ...missing.map((n) => n.pkg)]]) {
  const r = spawnSync('apt-get', args, { stdio: ['ignore', 'ignore', 'inherit'], env });
  if (r.status !== 0) {
    console.error(`npm test: apt-get ${args[0]} failed (exit ${r.status}); run yourself: ${command}`);
    process.exit(1);
  }
}
