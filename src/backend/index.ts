// backend/index.ts — the backends that ship with convnet, registered on import: ref (always), wasm
// (becomes the default wherever WebAssembly SIMD loads) and webgpu (starts asynchronously, on request). Everything that makes tensors imports this,
// so any entry point into the library finds them registered.

import './ref/index.js';
import './wasm/index.js';
import './webgpu/index.js';

export * from './backend.js';
