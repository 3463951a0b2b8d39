// backend/index.ts — the backends that ship with convnet, registered on import: ref (always) and wasm
// (becomes the default wherever WebAssembly SIMD loads). Everything that makes tensors imports this,
// so any entry point into the library finds them registered.

import './ref/index.js';
import './wasm/index.js';

export * from './backend.js';
