// backend/webgpu/runtime.ts — tensor data in GPU buffers, and the queue every kernel records into.
//
// Memory. Each storage owns one GPU buffer (STORAGE | COPY_SRC | COPY_DST) from a pool keyed by size
// class (four classes per octave), so a training loop reuses the same buffers step after step. A freed
// storage's buffer goes back to the pool at once — dispose(), autograd and fit free what only they held —
// and a storage the garbage collector takes returns its buffer through a FinalizationRegistry. There is
// no float64 on a GPU (WGSL has no 64-bit float); see alloc. Kernel-private float64 results (batch norm's
// statistics) are held as float32 by the kernels that make and use them.
//
// Recording. Kernels never wait for the GPU: each call records one or more dispatches into the current
// compute pass, with its small integer/float arguments in a slot of one uniform buffer. The pass is
// submitted only when someone needs the results (a read), when JS data is written into a buffer (the
// write must not overtake the dispatches recorded before it), or when the uniform buffer is full. A
// training step is thus one command buffer, with no readback between ops.
//
// Reads. `read` copies into a mappable staging buffer and awaits the map: `await t.dataAsync()`. Reads issued
// together share one submit. WebGPU has no blocking map, so `readSync` works only for data whose values
// the CPU still knows: what JS wrote (up to HOST_COPY_LIMIT elements: a batch from a data loader, class
// labels, which ops must check on the CPU) while no kernel has written it since; for anything else it
// throws a SyncReadError that says to use `await t.dataAsync()`.

import { Storage, SyncReadError, freedError } from '../storage.js';
import type { Memory } from '../storage.js';
import { allocArray, type DataArray, type DType } from '../../tensor/dtype.js';
import { castInto } from '../ref/elementwise.js';
import type { GpuContext } from './gpu.js';
import { envVar, nodeBuiltin } from '../env.js';

// GPUBufferUsage / GPUMapMode values (constants of the WebGPU spec; Node has no such globals).
const USAGE = { MAP_READ: 0x1, COPY_SRC: 0x4, COPY_DST: 0x8, UNIFORM: 0x40, STORAGE: 0x80 } as const;
const MAP_READ = 0x1;

/** The webgpu backend's record of one storage. */
export interface GpuData {
  buffer: GPUBuffer;
  /** The buffer's size class in bytes (≥ 4·size). */
  bytes: number;
  /** The values as JS last wrote them (up to HOST_COPY_LIMIT elements), while no kernel has written the
   *  buffer since (see readSync). */
  host: Float32Array | Int32Array | null;
  /** Set when freed, so a FinalizationRegistry callback after a dispose() does nothing. */
  released: boolean;
}

/** Elements up to which data written from JS keeps its host copy (64 MiB). */
export const HOST_COPY_LIMIT = 16 * 2 ** 20;

function float64Error(): Error {
  return new Error('webgpu backend: float64 tensors are not supported (WGSL has no 64-bit float); ' +
    "use float32, or run float64 work on 'wasm' or 'ref'");
}

/** Bytes of one uniform slot: the arguments of one dispatch (the minimum uniform offset alignment). */
export const SLOT_BYTES = 256;
const SLOTS = 256;

/** Smallest size class ≥ bytes: 256, then four classes per octave (each a multiple of 256). */
export function sizeClass(bytes: number): number {
  if (bytes <= 256) return 256;
  const octave = 2 ** Math.floor(Math.log2(bytes));
  for (const f of [1, 1.25, 1.5, 1.75, 2]) {
    const c = Math.ceil((octave * f) / 256) * 256;
    if (c >= bytes) return c;
  }
  return octave * 2;
}

/** A compiled kernel: its pipeline, and which bindings (storage buffers, in order) it writes. */
export interface Kernel {
  name: string;
  /** Unique per kernel: part of the bind-group cache's keys. */
  id: number;
  pipeline: GPUComputePipeline;
  layout: GPUBindGroupLayout;
  /** Number of storage-buffer bindings (0 … n−1); the uniform, if `uniform`, is binding n. */
  buffers: number;
  uniform: boolean;
}

/** The bind-group layout a shader declares: each storage binding read-only or read-write (from its
 *  `var<storage, read>` / `var<storage, read_write>`), and the uniform with a dynamic offset. */
function layoutEntries(name: string, code: string, buffers: number, uniform: boolean): GPUBindGroupLayoutEntry[] {
  const entries: GPUBindGroupLayoutEntry[] = [];
  for (let i = 0; i < buffers; i++) {
    const m = new RegExp(`@binding\\(${i}\\)\\s*var<storage\\s*,\\s*(read_write|read)\\s*>`).exec(code);
    if (!m) throw new Error(`webgpu ${name}: binding ${i} is not declared as a storage buffer`);
    entries.push({ binding: i, visibility: SHADER_STAGE_COMPUTE, buffer: { type: m[1] === 'read' ? 'read-only-storage' : 'storage' } });
  }
  if (uniform) entries.push({ binding: buffers, visibility: SHADER_STAGE_COMPUTE, buffer: { type: 'uniform', hasDynamicOffset: true } });
  return entries;
}

const SHADER_STAGE_COMPUTE = 0x4;
/** Bind groups kept for reuse (a training loop binds the same pooled buffers step after step). */
const MAX_BIND_GROUPS = 8192;

/** Arguments of one dispatch, packed as the kernel's WGSL `struct Params` lays them out: 4-byte
 *  scalars in order (u32, i32 or f32), and `vec(...)` for array<vec4<u32>, k> fields (16-byte aligned). */
export class Params {
  readonly words = new ArrayBuffer(SLOT_BYTES);
  readonly bytes = new Uint8Array(this.words);
  private readonly u32 = new Uint32Array(this.words);
  private readonly i32 = new Int32Array(this.words);
  private readonly f32 = new Float32Array(this.words);
  private n = 0;

  u(...vs: number[]): this { for (const v of vs) this.u32[this.next()] = v; return this; }
  i(...vs: number[]): this { for (const v of vs) this.i32[this.next()] = v; return this; }
  f(...vs: number[]): this { for (const v of vs) this.f32[this.next()] = v; return this; }
  /** An array<vec4<u32>, ceil(len/4)> field (aligned to 16 bytes, padded with zeros). */
  vec(vs: readonly number[], len = vs.length): this {
    this.n = Math.ceil(this.n / 4) * 4;
    const words = Math.ceil(Math.max(len, 1) / 4) * 4;
    for (let k = 0; k < words; k++) this.u32[this.next()] = k < vs.length ? vs[k] : 0;
    return this;
  }
  /** Same as vec, for signed values (array<vec4<i32>, k>). */
  ivec(vs: readonly number[], len = vs.length): this {
    this.n = Math.ceil(this.n / 4) * 4;
    const words = Math.ceil(Math.max(len, 1) / 4) * 4;
    for (let k = 0; k < words; k++) this.i32[this.next()] = k < vs.length ? vs[k] : 0;
    return this;
  }
  private next(): number {
    if (this.n >= SLOT_BYTES / 4) throw new Error(`webgpu: kernel arguments exceed ${SLOT_BYTES} bytes`);
    return this.n++;
  }
}

export interface RuntimeStats {
  /** Buffers owned by live storages, and their bytes. */
  liveBuffers: number;
  liveBytes: number;
  /** Buffers waiting in the pool, and their bytes. */
  pooledBuffers: number;
  pooledBytes: number;
  /** Buffers created so far (a steady training loop stops creating them), dispatches, submits. */
  created: number;
  dispatches: number;
  submits: number;
  pipelines: number;
}

const MAX_CONSTANTS = 4096;

/** Pooled bytes above which freed buffers are destroyed instead of kept. */
const POOL_LIMIT = 1 << 30;

export class GpuRuntime {
  readonly device: GPUDevice;
  readonly ctx: GpuContext;
  /**
   * Steps one shader invocation walks of a long row (a cumsum line, a pooling window, a row of classes)
   * per dispatch; a longer walk goes on over several dispatches, each resuming from what the one before
   * stored (see chunks). Mesa's llvmpipe, where the tests run without a GPU, silently ends an invocation's
   * loops after 65,535 iterations counted across all its loops (a 40,000-class cross-entropy gave 9.48 for
   * 10.14, a 256×256 global pool was wrong), so a kernel that may loop longer must split its walk; a
   * quarter of the limit leaves room for a kernel's other loops. On a real GPU, which has no such limit, the
   * split also keeps each dispatch short. Tests lower it to reach the split paths with small inputs.
   */
  serialSteps = 16384;
  backend!: Memory;
  private readonly pool = new Map<number, GPUBuffer[]>();
  private readonly pipelines = new Map<string, Kernel>();
  private readonly collector = makeCollector((d) => this.release(d));
  /** Growth of live GPU memory (bytes, or buffers) after which an allocation that misses the pool collects. */
  collectMargin = { bytes: 256 * 2 ** 20, buffers: 2048 };
  /** Live buffers and bytes after the last collection (see collectIfGrown). */
  private collectMark = { buffers: 0, bytes: 0 };
  private readonly uniform: GPUBuffer;
  private readonly uniformStaging = new Uint8Array(SLOTS * SLOT_BYTES);
  private slot = 0;
  private encoder: GPUCommandEncoder | null = null;
  private pass: GPUComputePassEncoder | null = null;
  /** Buffers to destroy once the commands that may use them are submitted. */
  private doomed: GPUBuffer[] = [];
  /** Buffers bound by a dispatch recorded since the last submit: a write into one must submit first. */
  private readonly usedInBatch = new Set<GPUBuffer>();
  /** Immutable small buffers (index tables, window tables) made once per distinct content; see constant. */
  private readonly constants = new Map<string, Storage>();
  private stat = { liveBuffers: 0, liveBytes: 0, pooledBuffers: 0, pooledBytes: 0, created: 0, dispatches: 0, submits: 0 };

  constructor(ctx: GpuContext) {
    this.ctx = ctx;
    this.device = ctx.device;
    this.uniform = this.device.createBuffer({ size: SLOTS * SLOT_BYTES, usage: USAGE.UNIFORM | USAGE.COPY_DST });
    // A command the GPU rejects (a bug here, or memory running out) must not give silent zeros: the error is
    // kept and thrown by the next read.
    this.device.onuncapturederror = (e: GPUUncapturedErrorEvent) => {
      this.failure ??= e.error.message;
    };
  }

  /** The submit that reads issued in the current synchronous stretch wait for (see read). */
  private readSubmit: Promise<void> | null = null;

  /** The first error the device reported since the last read (thrown by read). */
  private failure: string | null = null;

  private checkFailure(): void {
    const f = this.failure;
    if (f === null) return;
    this.failure = null;
    throw new Error(`webgpu backend: the GPU rejected a command, so results since the last read are wrong: ${f}`);
  }

  /**
   * A walk of `n` steps as the [start, end) ranges of its dispatches, serialSteps each (the last one
   * shorter). At least one range, [0, 0) when n is 0: a kernel's first dispatch sets up its outputs.
   */
  chunks(n: number): [number, number][] {
    const out: [number, number][] = [];
    for (let s = 0; s === 0 || s < n; s += this.serialSteps) out.push([s, Math.min(n, s + this.serialSteps)]);
    return out;
  }

  // ---- faults: conditions a kernel detects (an int32 sum that overflows), reported at the next read ----

  /** One u32 whose bits kernels set with atomicOr; a kernel that may fault binds it (see fault()). */
  private faultWord: Storage | null = null;
  /** Bit → the error that bit stands for. */
  private readonly faultMessages: string[] = [];
  /** Whether a kernel bound faultWord since the last read looked at it. */
  private faultsPending = false;

  /**
   * For a kernel that detects `message`'s condition: the storage to bind as
   * `var<storage, read_write> FAULT: array<atomic<u32>>` and the bit to set (atomicOr(&FAULT[0], bit)).
   * The next read() throws `message`: WGSL has no exceptions, and a GPU result cannot be awaited inside
   * the op that made it, so the error comes with the first value read after it, and no wrong value is
   * ever returned in its place.
   */
  fault(message: string): { word: Storage; bit: number } {
    if (!this.faultWord) {
      this.faultWord = this.alloc('int32', 1);
      this.write(this.faultWord, [0]);
    }
    let i = this.faultMessages.indexOf(message);
    if (i < 0) {
      if (this.faultMessages.length === 32) throw new Error('webgpu backend: more than 32 kinds of kernel fault');
      i = this.faultMessages.push(message) - 1;
    }
    this.faultsPending = true;
    return { word: this.faultWord, bit: 2 ** i };
  }

  /** Records a copy of the fault word into a staging buffer and clears it (after the dispatches so far). */
  private takeFaults(): GPUBuffer | null {
    if (!this.faultsPending || !this.faultWord) return null;
    this.faultsPending = false;
    const staging = this.device.createBuffer({ size: 4, usage: USAGE.MAP_READ | USAGE.COPY_DST });
    const buffer = this.data(this.faultWord).buffer;
    this.encoder!.copyBufferToBuffer(buffer, 0, staging, 0, 4);
    this.encoder!.clearBuffer(buffer, 0, 4);
    return staging;
  }

  private async checkFaults(staging: GPUBuffer | null): Promise<void> {
    if (!staging) return;
    let bits: number;
    try {
      await staging.mapAsync(MAP_READ);
      bits = new Uint32Array(staging.getMappedRange())[0];
      staging.unmap();
    } finally {
      staging.destroy();
    }
    if (bits) throw new Error(this.faultMessages.filter((_, i) => bits & (2 ** i)).join('; '));
  }

  stats(): RuntimeStats {
    return { ...this.stat, pipelines: this.pipelines.size };
  }

  // ------------------------------------------------------------------------------------------ memory

  alloc(dtype: DType, size: number): Storage {
    if (dtype === 'float64') throw float64Error();
    // A buffer larger than a shader may bind would fail on the GPU's side, later and vaguely: say it now.
    const limit = Math.min(this.device.limits.maxStorageBufferBindingSize, this.device.limits.maxBufferSize);
    if (!Number.isSafeInteger(size) || size < 0 || sizeClass(size * 4) > limit) {
      throw new RangeError(`webgpu backend: a tensor of ${size} ${dtype} elements (${(size * 4 / 2 ** 20).toFixed(1)} MiB) is larger ` +
        `than this GPU binds in one buffer (${(limit / 2 ** 20).toFixed(0)} MiB, maxStorageBufferBindingSize)`);
    }
    const s = new Storage(this.backend, dtype, size, null);
    this.give(s);
    return s;
  }

  /** A buffer for `s` (fresh or from the pool), registered for return when s is collected. */
  private give(s: Storage): GpuData {
    const bytes = sizeClass(s.size * 4);
    const list = this.pool.get(bytes);
    let buffer = list?.pop();
    if (buffer) {
      this.stat.pooledBuffers--;
      this.stat.pooledBytes -= bytes;
      if (!list!.length) this.pool.delete(bytes);
    } else {
      this.collectIfGrown();
      this.stat.created++;
      buffer = this.device.createBuffer({ size: bytes, usage: USAGE.STORAGE | USAGE.COPY_SRC | USAGE.COPY_DST });
    }
    const d: GpuData = { buffer, bytes, host: null, released: false };
    this.stat.liveBuffers++;
    this.stat.liveBytes += bytes;
    s.data = d;
    this.collector.registry.register(s, d, d);
    return d;
  }

  /**
   * Garbage tensors return their buffers only after a collection, and JavaScript collects for its own
   * heap's sake, not for GPU memory it cannot see: a loop that drops a batch, an output and a loss each
   * step would grow GPU memory for as long as the JS heap stays small. So when the pool has no buffer to
   * give and live GPU memory has grown by a margin since the last collection, collect now (Node; see
   * makeCollector) and take back what the collection found.
   */
  private collectIfGrown(): void {
    const { buffers, bytes } = this.collectMark;
    const grownBytes = this.stat.liveBytes - bytes > Math.max(this.collectMargin.bytes, bytes / 2);
    const grownBuffers = this.stat.liveBuffers - buffers > Math.max(this.collectMargin.buffers, buffers / 2);
    if (!grownBytes && !grownBuffers) return;
    this.collector.collect();
    this.collectMark = { buffers: this.stat.liveBuffers, bytes: this.stat.liveBytes };
  }

  attach(s: Storage, values: DataArray): void {
    if (s.dtype === 'float64') throw float64Error(); // moved here from a CPU backend
    this.give(s);
    this.write(s, values);
  }

  free(s: Storage): void {
    const d = s.data as GpuData | null;
    s.data = null;
    if (!d) return;
    this.collector.registry.unregister(d);
    this.release(d);
  }

  private release(d: GpuData): void {
    if (d.released) return;
    d.released = true;
    d.host = null;
    this.stat.liveBuffers--;
    this.stat.liveBytes -= d.bytes;
    if (this.stat.pooledBytes + d.bytes > POOL_LIMIT) {
      this.doomed.push(d.buffer); // pending commands may still read it
      if (!this.pass) this.flush();
      return;
    }
    const list = this.pool.get(d.bytes);
    if (list) list.push(d.buffer); else this.pool.set(d.bytes, [d.buffer]);
    this.stat.pooledBuffers++;
    this.stat.pooledBytes += d.bytes;
  }

  /** Destroys every pooled buffer (the memory goes back to the GPU); live storages keep theirs. */
  trim(): void {
    this.flush();
    this.bindGroups.clear();
    for (const list of this.pool.values()) for (const b of list) b.destroy();
    this.pool.clear();
    this.stat.pooledBuffers = 0;
    this.stat.pooledBytes = 0;
  }

  /** The values JS wrote into `s`, while no kernel has changed them (null otherwise). Kernels that must
   *  answer synchronously about index data (findInvalidClass) read them here. */
  host(s: Storage): Float32Array | Int32Array | null {
    return this.data(s).host;
  }

  /** Records that `s` now holds `values` (a kernel that knows them on the CPU says so). */
  setHost(s: Storage, values: Float32Array | Int32Array): void {
    this.data(s).host = values;
  }

  /**
   * A read-only buffer holding `values` (int32 or float32), made once per distinct content and kept (up
   * to MAX_CONSTANTS; then all are dropped and made again as needed): the window tables of pooling, say.
   * Never write into it or free it.
   */
  constant(values: Int32Array | Float32Array): Storage {
    const dtype: DType = values instanceof Int32Array ? 'int32' : 'float32';
    const key = `${dtype}:${values.join(',')}`;
    let s = this.constants.get(key);
    if (!s) {
      if (this.constants.size >= MAX_CONSTANTS) {
        for (const c of this.constants.values()) this.free(c); // back to the pool; pending dispatches are ordered before reuse
        this.constants.clear();
      }
      s = this.alloc(dtype, Math.max(values.length, 1));
      this.write(s, values.length ? values : [0]);
      this.constants.set(key, s);
    }
    return s;
  }

  data(s: Storage): GpuData {
    if (s.data === null) throw freedError(s);
    return s.data as GpuData;
  }

  write(s: Storage, values: ArrayLike<number>): void {
    const d = this.data(s);
    const typed = allocArray(s.dtype, s.size) as Float32Array<ArrayBuffer> | Int32Array<ArrayBuffer>;
    castInto(values, typed);
    // Dispatches recorded before this write must not see it, but queue.writeBuffer lands before the commands
    // not yet submitted. When they use this buffer (its old data, or the data of a storage that had the
    // buffer before it went back to the pool), the storage takes another buffer instead ("renaming"): the
    // recorded commands keep the old one, and nothing has to be submitted early.
    if (this.usedInBatch.has(d.buffer)) this.rename(d);
    if (typed.byteLength) this.device.queue.writeBuffer(d.buffer, 0, typed);
    d.host = typed.length <= HOST_COPY_LIMIT ? typed : null;
  }

  /** Gives d a buffer of its size class that no recorded command uses, and pools the one it had. */
  private rename(d: GpuData): void {
    const list = this.pool.get(d.bytes);
    const i = list ? list.findIndex((b) => !this.usedInBatch.has(b)) : -1;
    let fresh: GPUBuffer;
    if (i >= 0) {
      fresh = list!.splice(i, 1)[0];
    } else {
      this.stat.created++;
      this.stat.pooledBuffers++; // balanced below: the old buffer joins the pool instead
      this.stat.pooledBytes += d.bytes;
      fresh = this.device.createBuffer({ size: d.bytes, usage: USAGE.STORAGE | USAGE.COPY_SRC | USAGE.COPY_DST });
    }
    const old = d.buffer;
    d.buffer = fresh;
    const pooled = this.pool.get(d.bytes);
    if (pooled) pooled.push(old); else this.pool.set(d.bytes, [old]);
  }

  readSync(s: Storage): DataArray {
    const d = this.data(s);
    if (d.host) return d.host.slice();
    throw new SyncReadError(`webgpu backend: this tensor's data (${s.dtype}, ${s.size} elements) is in GPU memory, which WebGPU ` +
      'cannot read synchronously (dataSync(), item(), toArray(), printing, image encoding): use `await t.dataAsync()` instead, ' +
      "or move the tensor to a CPU backend first with `await t.moveTo('wasm')`");
  }

  async read(s: Storage): Promise<DataArray> {
    const d = this.data(s);
    const out = allocArray(s.dtype, s.size);
    if (!s.size) return out;
    if (d.host) { out.set(d.host); return out; }
    const bytes = s.size * 4;
    const staging = this.device.createBuffer({ size: bytes, usage: USAGE.MAP_READ | USAGE.COPY_DST });
    // The copy goes after every dispatch recorded so far, in the same submit.
    if (this.pass) { this.pass.end(); this.pass = null; }
    this.encoder ??= this.device.createCommandEncoder();
    this.encoder.copyBufferToBuffer(d.buffer, 0, staging, 0, bytes);
    const faults = this.takeFaults();
    // Reads issued together (Promise.all of several dataAsync()) share one submit: it happens once the code
    // that issued them has run to its first await.
    this.readSubmit ??= Promise.resolve().then(() => { this.readSubmit = null; this.flush(); });
    await this.readSubmit;
    try {
      await staging.mapAsync(MAP_READ);
      const mapped = staging.getMappedRange();
      (out as Float32Array).set(s.dtype === 'int32' ? new Int32Array(mapped) : new Float32Array(mapped));
      staging.unmap();
    } finally {
      staging.destroy();
    }
    this.checkFailure();
    await this.checkFaults(faults);
    return out;
  }

  // --------------------------------------------------------------------------------------- recording

  /** The kernel compiled from `code` (once per distinct source; `name` labels errors). Bindings: `buffers`
   *  storage buffers 0 … buffers−1, then the uniform Params at binding `buffers` when `uniform`. */
  kernel(name: string, code: string, buffers: number, uniform = true): Kernel {
    let k = this.pipelines.get(code);
    if (!k) {
      // An explicit layout (not 'auto'): the uniform's offset is dynamic, so one bind group serves every
      // dispatch over the same buffers, whichever uniform slot it uses.
      const layout = this.device.createBindGroupLayout({ entries: layoutEntries(name, code, buffers, uniform), label: name });
      const module = this.device.createShaderModule({ code, label: name });
      const pipeline = this.device.createComputePipeline({
        layout: this.device.createPipelineLayout({ bindGroupLayouts: [layout] }), compute: { module, entryPoint: 'main' }, label: name,
      });
      k = { name, id: this.pipelines.size + 1, pipeline, layout, buffers, uniform };
      this.pipelines.set(code, k);
    }
    return k;
  }

  private record(): void {
    if (!this.encoder) this.encoder = this.device.createCommandEncoder();
    if (!this.pass) this.pass = this.encoder.beginComputePass();
  }

  /**
   * Records one dispatch of `k` over `groups` workgroups (x, y, z) with `storages` bound in order and
   * `params` as its uniform. `writes` lists the binding indices the kernel writes (their host copies go).
   */
  run(k: Kernel, storages: Storage[], params: Params | null, groups: [number, number?, number?], writes: number[]): void {
    if (storages.length !== k.buffers) throw new Error(`webgpu ${k.name}: ${storages.length} buffers bound, the shader has ${k.buffers}`);
    const [gx, gy = 1, gz = 1] = groups;
    if (gx === 0 || gy === 0 || gz === 0) return;
    if (this.slot === SLOTS) this.flush();
    this.record();
    const bufs = storages.map((s) => this.data(s).buffer);
    let key = String(k.id);
    for (const b of bufs) key += `,${this.bufferId(b)}`;
    let group = this.bindGroups.get(key);
    if (!group) {
      const entries: GPUBindGroupEntry[] = bufs.map((buffer, i) => ({ binding: i, resource: { buffer } }));
      if (k.uniform) entries.push({ binding: k.buffers, resource: { buffer: this.uniform, offset: 0, size: SLOT_BYTES } });
      if (this.bindGroups.size >= MAX_BIND_GROUPS) this.bindGroups.clear();
      group = this.device.createBindGroup({ layout: k.layout, entries });
      this.bindGroups.set(key, group);
    }
    const offsets: number[] = [];
    if (k.uniform) {
      const slot = this.slot++;
      if (params) this.uniformStaging.set(params.bytes, slot * SLOT_BYTES);
      offsets.push(slot * SLOT_BYTES);
    }
    for (const i of writes) this.data(storages[i]).host = null;
    for (const b of bufs) this.usedInBatch.add(b);
    this.pass!.setPipeline(k.pipeline);
    this.pass!.setBindGroup(0, group, offsets);
    this.pass!.dispatchWorkgroups(gx, gy, gz);
    this.stat.dispatches++;
  }

  private readonly bindGroups = new Map<string, GPUBindGroup>();
  private readonly bufferIds = new WeakMap<GPUBuffer, number>();
  private nextBufferId = 1;

  private bufferId(b: GPUBuffer): number {
    let id = this.bufferIds.get(b);
    if (id === undefined) { id = this.nextBufferId++; this.bufferIds.set(b, id); }
    return id;
  }

  /** Submits everything recorded so far (nothing waits for it to finish). */
  flush(): void {
    if (this.pass) { this.pass.end(); this.pass = null; }
    if (this.encoder) {
      if (this.slot) this.device.queue.writeBuffer(this.uniform, 0, this.uniformStaging, 0, this.slot * SLOT_BYTES);
      this.device.queue.submit([this.encoder.finish()]);
      this.encoder = null;
      this.slot = 0;
      this.stat.submits++;
    }
    this.usedInBatch.clear();
    if (this.doomed.length) this.bindGroups.clear(); // they may name the buffers destroyed now
    for (const b of this.doomed) b.destroy();
    this.doomed = [];
  }

  /** Resolves once the GPU has finished everything submitted (and everything recorded, which this submits). */
  async sync(): Promise<void> {
    if (this.pass) { this.pass.end(); this.pass = null; }
    this.encoder ??= this.device.createCommandEncoder();
    const faults = this.takeFaults();
    this.flush();
    await this.device.queue.onSubmittedWorkDone();
    this.checkFailure();
    await this.checkFaults(faults);
  }
}

interface Collector {
  registry: FinalizationRegistry<GpuData>;
  /** A full collection, then the registry's callbacks for what it found, before returning (where the
   *  runtime allows it; elsewhere nothing, and the callbacks run when the event loop next turns). */
  collect(): void;
}

/**
 * In Node, V8 can collect on request (the --expose-gc flag) and a FinalizationRegistry can run its
 * callbacks synchronously (cleanupSome, behind --harmony-weak-refs-with-cleanup-some). Both flags take
 * effect for contexts made after they are set, so the registry and gc come from a fresh vm context; the
 * registry works on this context's objects all the same. In a browser there is neither: the registry's
 * callbacks run after the engine's own collections, between tasks (every `await t.dataAsync()` is one).
 */
function makeCollector(release: (d: GpuData) => void): Collector {
  const v8 = nodeBuiltin<{ setFlagsFromString(f: string): void }>('node:v8');
  const vm = nodeBuiltin<{ runInNewContext(code: string): unknown }>('node:vm');
  if (v8 && vm && envVar('CONVNET_GPU_COLLECT') !== '0') {
    try {
      v8.setFlagsFromString('--expose-gc');
      v8.setFlagsFromString('--harmony-weak-refs-with-cleanup-some');
      const [gc, FR] = vm.runInNewContext('[gc, FinalizationRegistry]') as [() => void, typeof FinalizationRegistry];
      const registry = new FR<GpuData>(release) as FinalizationRegistry<GpuData> & { cleanupSome?: () => void };
      return { registry, collect: () => { gc(); registry.cleanupSome?.(); } };
    } catch {
      // flags refused: the plain registry below
    }
  }
  return { registry: new FinalizationRegistry<GpuData>(release), collect: () => {} };
}

/** Workgroups for `n` invocations of `size` each, spread over x and y (x ≤ 65535, the per-dimension
 *  limit); shaders recover the linear index with `linearIndex` (wgsl.ts). */
export function groups1d(n: number, size = 64): [number, number] {
  const g = Math.ceil(n / size);
  if (g <= 65535) return [g, 1];
  const y = Math.ceil(g / 65535);
  return [Math.ceil(g / y), y];
}
