// backend/webgpu/gpu.ts — finds a WebGPU device: `navigator.gpu` in a browser, the npm package `webgpu`
// (Dawn's Node bindings) in Node.
//
// In Node, Dawn first tries its default backend (Vulkan, Metal or D3D12: a real GPU). Where that gives no
// adapter — no GPU, or no driver Dawn accepts — it falls back to Dawn's OpenGL ES backend, which on a
// machine without a GPU runs on Mesa's llvmpipe (Debian's libegl-mesa0 and libgles2) in compatibility
// mode, with EGL_PLATFORM=surfaceless so that no display is needed. CONVNET_WEBGPU_FLAGS (comma-separated
// Dawn toggles, e.g. `backend=opengles`) overrides the choice.
//
// Every shader of this backend keeps within compatibility mode's default limits (8 storage buffers per
// stage, 16 KiB of workgroup memory, 128 invocations per workgroup), so the same code runs on llvmpipe,
// SwiftShader and a real GPU. Only the buffer size limits are raised to what the adapter offers.

import { envVar, nodeBuiltin } from '../env.js';

export interface GpuContext {
  device: GPUDevice;
  adapter: GPUAdapter;
  /** What the adapter says it is ('llvmpipe …', 'NVIDIA H200', …). */
  description: string;
  /** A CPU implementation (llvmpipe, SwiftShader, lavapipe, WARP) rather than a GPU. */
  software: boolean;
  /** How the device was obtained: 'navigator.gpu' or 'dawn(<flags>)'. */
  route: string;
  /** Whether the adapter has the 'subgroups' feature and the device was given it. */
  subgroups: boolean;
}

const SOFTWARE = /llvmpipe|swiftshader|lavapipe|softpipe|warp|basic render|microsoft basic/i;

function describe(adapter: GPUAdapter): { description: string; software: boolean } {
  const info = (adapter as { info?: GPUAdapterInfo }).info;
  const text = info ? [info.vendor, info.architecture, info.device, info.description].filter(Boolean).join(' ') : '';
  const fallback = Boolean((info as { isFallbackAdapter?: boolean } | undefined)?.isFallbackAdapter ??
    (adapter as { isFallbackAdapter?: boolean }).isFallbackAdapter);
  return { description: text.trim() || 'unknown adapter', software: fallback || SOFTWARE.test(text) };
}

async function deviceFor(adapter: GPUAdapter, route: string): Promise<GpuContext> {
  const { description, software } = describe(adapter);
  const lim = adapter.limits;
  const wantSubgroups = adapter.features.has('subgroups' as GPUFeatureName);
  const device = await adapter.requestDevice({
    requiredFeatures: wantSubgroups ? ['subgroups' as GPUFeatureName] : [],
    requiredLimits: {
      maxStorageBufferBindingSize: lim.maxStorageBufferBindingSize,
      maxBufferSize: lim.maxBufferSize,
    },
  });
  device.lost.then((info) => {
    if (info.reason !== 'destroyed') console.warn(`convnet: the WebGPU device was lost (${info.reason}): ${info.message}`);
  }, () => {});
  return { device, adapter, description, software, route, subgroups: wantSubgroups };
}

type DawnModule = { create(flags: string[]): GPU; globals?: Record<string, unknown> };

/**
 * Where Dawn's Node bindings come from: CONVNET_WEBGPU_PACKAGE, the folder of an installed `webgpu` package,
 * when it is set (this repository's tests and benchmarks install Dawn into bench/node_modules rather than
 * the root's, so that `npm install` stays light); otherwise the package `webgpu` as Node resolves it from
 * here. The import is hidden from bundlers (the browser has navigator.gpu).
 */
async function loadDawn(): Promise<DawnModule> {
  const folder = envVar('CONVNET_WEBGPU_PACKAGE');
  const spec = folder ? dawnEntry(folder) : 'webgpu';
  try {
    return (await import(/* @vite-ignore */ spec)) as DawnModule;
  } catch (e) {
    const where = folder ? `from CONVNET_WEBGPU_PACKAGE=${folder}` : '';
    throw new Error(`webgpu backend: the npm package 'webgpu' (Dawn for Node) could not be loaded${where ? ` ${where}` : ''}: ` +
      `${(e as Error).message}. Install it with \`npm install webgpu\`${folder ? ', or point CONVNET_WEBGPU_PACKAGE at its folder' : ''}.`);
  }
}

/** The file URL of the entry module of the `webgpu` package installed in `folder` (its package.json's main). */
function dawnEntry(folder: string): string {
  const fs = nodeBuiltin<typeof import('node:fs')>('node:fs');
  const path = nodeBuiltin<typeof import('node:path')>('node:path');
  const url = nodeBuiltin<typeof import('node:url')>('node:url');
  if (!fs || !path || !url) throw new Error('webgpu backend: CONVNET_WEBGPU_PACKAGE needs Node');
  let main = 'index.js';
  try {
    main = (JSON.parse(fs.readFileSync(path.join(folder, 'package.json'), 'utf8')) as { main?: string }).main ?? main;
  } catch {
    // No readable package.json: the import below names the missing file.
  }
  return url.pathToFileURL(path.resolve(folder, main)).href;
}

/** Dawn objects stay alive only while something holds them: keep every GPU instance created here. */
const keepAlive: GPU[] = [];

async function nodeDevice(): Promise<GpuContext> {
  const proc = (globalThis as { process?: { env: Record<string, string | undefined> } }).process!;
  // Mesa's EGL picks its platform from this variable; surfaceless needs no display server. Set before Dawn
  // loads its GL backend; a value the user chose is kept.
  proc.env.EGL_PLATFORM ??= 'surfaceless';
  const dawn = await loadDawn();
  const forced = envVar('CONVNET_WEBGPU_FLAGS');
  // Without the Vulkan loader Dawn's default backend finds nothing on Linux (and says so on stderr): skip it.
  const attempts: string[][] = forced !== undefined ? [forced.split(',').filter(Boolean)]
    : mayHaveGpu() ? [[], ['backend=opengles']] : [['backend=opengles']];
  const tried: string[] = [];
  for (const flags of attempts) {
    const route = `dawn(${flags.join(',') || 'default'})`;
    let gpu: GPU;
    try {
      gpu = dawn.create(flags);
    } catch (e) {
      tried.push(`${route}: ${(e as Error).message}`);
      continue;
    }
    keepAlive.push(gpu);
    const gl = flags.includes('backend=opengles');
    // The GL backend exists only in compatibility mode; a core request would get no adapter.
    const adapter = await gpu.requestAdapter(gl ? ({ featureLevel: 'compatibility' } as GPURequestAdapterOptions)
      : { powerPreference: 'high-performance' }).catch(() => null);
    if (adapter) return deviceFor(adapter, route);
    tried.push(`${route}: no adapter`);
  }
  throw new Error(`webgpu backend: no WebGPU adapter in this process (${tried.join('; ')}). Without a GPU, Dawn's ` +
    'OpenGL ES backend needs Mesa (Debian: apt-get install libegl-mesa0 libgles2).');
}

async function browserDevice(gpu: GPU): Promise<GpuContext> {
  const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' }) ??
    await gpu.requestAdapter({ featureLevel: 'compatibility' } as GPURequestAdapterOptions);
  if (!adapter) throw new Error('webgpu backend: navigator.gpu gave no adapter (WebGPU disabled, or no usable GPU)');
  return deviceFor(adapter, 'navigator.gpu');
}

let pending: Promise<GpuContext> | null = null;

/** The device every webgpu storage and kernel of this process uses (found once). */
export function gpuContext(): Promise<GpuContext> {
  if (!pending) {
    const nav = (globalThis as { navigator?: { gpu?: GPU } }).navigator;
    const isNode = typeof (globalThis as { process?: { versions?: { node?: string } } }).process?.versions?.node === 'string';
    pending = nav?.gpu && !isNode ? browserDevice(nav.gpu) : isNode ? nodeDevice()
      : Promise.reject(new Error('webgpu backend: this runtime has no navigator.gpu (WebGPU is not enabled here)'));
    pending.catch(() => { pending = null; }); // a later call may try again (after installing Mesa, say)
  }
  return pending;
}

/**
 * Whether a real GPU could be behind WebGPU here, without starting anything that prints: in Node on Linux,
 * Dawn reaches a GPU only through Vulkan, so without the Vulkan loader (libvulkan.so.1) there is none (and
 * asking Dawn would print its warning about the missing loader), nor without a GPU device node in /dev
 * (then only lavapipe, Mesa's software Vulkan, would answer, and Dawn rejects it with warnings). Elsewhere:
 * whether WebGPU exists at all.
 */
export function mayHaveGpu(): boolean {
  const proc = (globalThis as { process?: { platform?: string; versions?: { node?: string }; env: Record<string, string | undefined> } }).process;
  if (typeof proc?.versions?.node !== 'string') return Boolean((globalThis as { navigator?: { gpu?: unknown } }).navigator?.gpu);
  if (envVar('CONVNET_WEBGPU_FLAGS') !== undefined) return true;
  if (proc.platform !== 'linux') return true;
  const fs = nodeBuiltin<{ existsSync(p: string): boolean; readdirSync(p: string): string[] }>('node:fs');
  if (!fs) return true;
  const dirs = [...(proc.env.LD_LIBRARY_PATH ?? '').split(':').filter(Boolean), '/usr/lib/x86_64-linux-gnu', '/usr/lib/aarch64-linux-gnu',
    '/usr/lib64', '/usr/lib', '/lib/x86_64-linux-gnu', '/lib64', '/usr/local/lib'];
  if (!dirs.some((d) => fs.existsSync(`${d}/libvulkan.so.1`))) return false;
  // A GPU shows up as a device node: a DRM render node (AMD, Intel, NVIDIA's open driver), NVIDIA's own
  // nodes, or WSL2's /dev/dxg. Without one, only Mesa's software Vulkan (lavapipe) could answer, and Dawn
  // would reject it noisily on stderr (lavapipe lacks features Dawn requires).
  if (fs.existsSync('/dev/nvidia0') || fs.existsSync('/dev/nvidiactl') || fs.existsSync('/dev/dxg')) return true;
  try {
    return fs.readdirSync('/dev/dri').some((n) => n.startsWith('renderD'));
  } catch {
    return false;
  }
}
