// assembly/index.ts — the exports of kernels.wasm (one module; JS instantiates it once per thread).
export { sumBuffers } from './common';
export { packA, packB, gemm, gemmScratch, matmul } from './gemm';
export { convForward, convForwardScratch, convGradWeight, convGradWeightScratch, convGradInput, convGradInputScratch } from './conv';
export { directForward, directGradWeight, directScratch, allFinite, packAkh } from './direct';
export { depthwiseForward, depthwiseGradWeight, depthwiseGradInput, depthwiseScratch } from './depthwise';
export { maxPool, maxPool2x2, maxPool2x2Value, maxPoolGrad, avgPool, avgPoolGrad } from './pool';
export function heapBase(): i32 { return <i32>__heap_base; }
export { unary, binary, reduce, sumKeepMid } from './elementwise';
export { sgdStep, adamStep } from './optim';
