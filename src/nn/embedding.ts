// nn/embedding.ts — Embedding: a lookup table of learned vectors, one row per index (F.embedding).
// The weight [numEmbeddings, embeddingDim] starts as N(0, 1), as PyTorch's, with the paddingIdx row zero;
// that row gets no gradient.

import { Tensor } from '../tensor/tensor.js';
import { zeros } from '../tensor/creation.js';
import { noGrad } from '../autograd/tape.js';
import { bindArgs, type PyArgs } from '../tensor/signature.js';
import { shapeStr } from '../tensor/shape.js';
import { embedding } from '../ops/gather.js';
import { Module, markBuiltIn } from './module.js';
import { Parameter } from './parameter.js';
import { normal_ } from './init.js';

/**
 * The options of {@link Embedding} (any may instead be given by position). PyTorch: the keyword
 * arguments of `nn.Embedding`.
 * @example
 * ```ts
 * new nn.Embedding(1000, 64, { paddingIdx: 0 });
 * ```
 */
export interface EmbeddingOptions {
  numEmbeddings?: number; embeddingDim?: number; paddingIdx?: number | null; maxNorm?: number | null; normType?: number;
  scaleGradByFreq?: boolean; sparse?: boolean; _weight?: Tensor | null;
}

/**
 * A table of `numEmbeddings` learned vectors of size `embeddingDim`: the input (int32 indices of any
 * shape) picks rows, giving [...input.shape, embeddingDim]. The `paddingIdx` row starts at zero and is
 * never trained. `maxNorm`, `scaleGradByFreq` and `sparse` are not supported (they throw). PyTorch:
 * `torch.nn.Embedding`.
 * @example
 * ```ts
 * const emb = new nn.Embedding(10, 3);
 * emb(tensor([[1, 2, 4]], { dtype: 'int32' })).shape;  // [1, 3, 3]
 * ```
 */
export class Embedding extends Module {
  readonly numEmbeddings: number;
  readonly embeddingDim: number;
  readonly paddingIdx: number | null;
  weight: Parameter;

  constructor(...args: PyArgs<[numEmbeddings: number, embeddingDim: number, paddingIdx: number | null, maxNorm: number | null, normType: number,
    scaleGradByFreq: boolean, sparse: boolean, _weight: Tensor | null], EmbeddingOptions>) {
    super();
    const op = 'Embedding';
    const a = bindArgs(op, args, {
      positional: [{ name: 'numEmbeddings', kind: 'int', required: true }, { name: 'embeddingDim', kind: 'int', required: true },
        { name: 'paddingIdx', kind: { test: (v) => v === null || Number.isInteger(v), what: 'an integer or null' } },
        { name: 'maxNorm', kind: { test: (v) => v === null || typeof v === 'number', what: 'a number or null' } },
        { name: 'normType', kind: 'number' }, { name: 'scaleGradByFreq', kind: 'bool' }, { name: 'sparse', kind: 'bool' },
        { name: '_weight', kind: { test: (v) => v === null || v instanceof Tensor, what: 'a Tensor or null' } }],
    });
    const V = a.numEmbeddings as number, D = a.embeddingDim as number;
    if (V < 1 || D < 1) throw new Error(`${op}: numEmbeddings and embeddingDim must be positive, got ${V} and ${D}`);
    if (a.maxNorm !== undefined && a.maxNorm !== null) throw new Error(`${op}: maxNorm is not supported`);
    if (a.scaleGradByFreq === true) throw new Error(`${op}: scaleGradByFreq is not supported`);
    if (a.sparse === true) throw new Error(`${op}: sparse gradients are not supported (convnet has no sparse tensors)`);
    let pad = (a.paddingIdx as number | null | undefined) ?? null;
    if (pad !== null) {
      if (pad < -V || pad >= V) throw new Error(`${op}: paddingIdx must be within numEmbeddings (${V}), got ${pad}`);
      if (pad < 0) pad += V;
    }
    this.numEmbeddings = V;
    this.embeddingDim = D;
    this.paddingIdx = pad;
    const given = a._weight as Tensor | null | undefined;
    if (given && (given.ndim !== 2 || given.shape[0] !== V || given.shape[1] !== D)) {
      throw new Error(`${op}: _weight must have shape [${V}, ${D}], got ${shapeStr(given.shape)}`);
    }
    this.weight = new Parameter(given ? given.detach() : zeros([V, D]));
    if (!given) this.resetParameters();
  }

  /**
   * Draws the weight from N(0, 1) again (the global seeded generator) and zeroes the paddingIdx row.
   * PyTorch: `reset_parameters`.
   * @example
   * ```ts
   * emb.resetParameters();
   * ```
   */
  resetParameters(): void {
    normal_(this.weight);
    const pad = this.paddingIdx;
    if (pad !== null) noGrad(() => this.weight.indexPut_([pad], 0));
  }

  forward(input: Tensor): Tensor {
    return embedding(input, this.weight, this.paddingIdx);
  }

  override extraRepr(): string {
    return `${this.numEmbeddings}, ${this.embeddingDim}${this.paddingIdx !== null ? `, padding_idx=${this.paddingIdx}` : ''}`;
  }
}

markBuiltIn(Embedding);
