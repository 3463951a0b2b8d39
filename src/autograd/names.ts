// autograd/names.ts — the names PyTorch 1.13 gives the backward node of each op (grad_fn.name()), for
// convnet's op names: `mul` → MulBackward0. Where convnet fuses what PyTorch spells as one node (linear
// with a bias is addmm; crossEntropy ends in nll_loss), the name is that node's. Ops PyTorch does not have,
// or that are not listed, get PyTorch's pattern from their own name (fftConv2d → FftConv2dBackward0).
// Checked against torch 1.13 by test/fixtures/gen_extras_fixtures.py ("gradFn").

const TORCH_NAMES: Record<string, string> = {
  add: 'AddBackward0', sub: 'SubBackward0', mul: 'MulBackward0', div: 'DivBackward0', pow: 'PowBackward0', neg: 'NegBackward0',
  exp: 'ExpBackward0', log: 'LogBackward0', sqrt: 'SqrtBackward0', abs: 'AbsBackward0', relu: 'ReluBackward0',
  log1p: 'Log1PBackward0', expm1: 'Expm1Backward0', sigmoid: 'SigmoidBackward0', tanh: 'TanhBackward0', sin: 'SinBackward0',
  cos: 'CosBackward0', square: 'PowBackward0', reciprocal: 'ReciprocalBackward0', sign: 'SignBackward0', floor: 'FloorBackward0',
  ceil: 'CeilBackward0', round: 'RoundBackward0', erf: 'ErfBackward0', maximum: 'MaximumBackward0', minimum: 'MinimumBackward0',
  atan2: 'Atan2Backward0', hypot: 'HypotBackward0', clamp: 'ClampBackward1', where: 'WhereBackward0',
  sum: 'SumBackward0', mean: 'MeanBackward0', 'sum(dim)': 'SumBackward1', 'mean(dim)': 'MeanBackward1', amax: 'AmaxBackward0', amin: 'AminBackward0', max: 'MaxBackward1', min: 'MinBackward1',
  prod: 'ProdBackward0', var: 'VarBackward0', std: 'StdBackward0', logSumExp: 'LogsumexpBackward0',
  reshape: 'ViewBackward0', view: 'ViewBackward0', flatten: 'ViewBackward0', squeeze: 'SqueezeBackward1', unsqueeze: 'UnsqueezeBackward0',
  permute: 'PermuteBackward0', transpose: 'TransposeBackward0', expand: 'ExpandBackward0', clone: 'CloneBackward0',
  narrow: 'SliceBackward0', slice: 'SliceBackward0', select: 'SelectBackward0', cat: 'CatBackward0', stack: 'StackBackward0',
  flip: 'FlipBackward0', roll: 'RollBackward0', indexSelect: 'IndexSelectBackward0', to: 'ToCopyBackward0',
  matmul: 'MmBackward0', mm: 'MmBackward0', bmm: 'BmmBackward0', linear: 'AddmmBackward0',
  conv1d: 'ConvolutionBackward0', conv2d: 'ConvolutionBackward0',
  maxPool2d: 'MaxPool2DWithIndicesBackward0', maxPool1d: 'MaxPool2DWithIndicesBackward0', avgPool2d: 'AvgPool2DBackward0',
  avgPool1d: 'AvgPool2DBackward0', adaptiveAvgPool2d: 'AdaptiveAvgPool2DBackward0', adaptiveMaxPool2d: 'AdaptiveMaxPool2DBackward0',
  adaptiveAvgPool1d: 'AdaptiveAvgPool2DBackward0', adaptiveMaxPool1d: 'AdaptiveMaxPool2DBackward0',
  batchNorm: 'NativeBatchNormBackward0', dropout: 'MulBackward0',
  softmax: 'SoftmaxBackward0', logSoftmax: 'LogSoftmaxBackward0', leakyRelu: 'LeakyReluBackward0',
  elu: 'EluBackward0', gelu: 'GeluBackward0', silu: 'SiluBackward0', mish: 'MishBackward0', hardswish: 'HardswishBackward0',
  softplus: 'SoftplusBackward0',
  crossEntropy: 'NllLossBackward0', nllLoss: 'NllLossBackward0', mseLoss: 'MseLossBackward0',
  binaryCrossEntropyWithLogits: 'BinaryCrossEntropyWithLogitsBackward0', binaryCrossEntropy: 'BinaryCrossEntropyBackward0',
  smoothL1Loss: 'SmoothL1LossBackward0', huberLoss: 'HuberLossBackward0',
  'pad(constant)': 'ConstantPadNdBackward0', 'pad(reflect)': 'ReflectionPad2DBackward0', 'pad(replicate)': 'ReplicationPad2DBackward0',
};

/** PyTorch's name for the backward node of convnet's op `op`: 'mul' → 'MulBackward0'. */
export function torchBackwardName(op: string): string {
  const known = TORCH_NAMES[op];
  if (known) return known;
  if (op === 'copy_') return 'CopyBackwards'; // PyTorch's one irregular in-place name
  // an in-place op's node is named as its out-of-place twin's (add_ → AddBackward0, indexPut_ → IndexPutBackward0)
  const base = op.replace(/\(.*\)$/, '').replace(/_$/, '');
  return `${base.charAt(0).toUpperCase()}${base.slice(1)}Backward0`;
}
