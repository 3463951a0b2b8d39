// test/browser/train-worker.js — a module Web Worker that trains with the browser bundle (train-checks.js's
// helpers), for test/browser/train.html. Messages in: { cmd: 'run', opts } (trainRun), { cmd: 'long' } (a
// long fit that posts every batch and stops on { cmd: 'abort' }, which the page sends while it runs: it can
// only arrive because fit yields to the worker's event loop between batches).

import { trainRun, squares, tinyCnn } from './train-checks.js';
import { fit, nn, optim, DataLoader, manualSeed, setBackend } from './convnet.js';

let controller = null;

async function long() {
  setBackend('wasm');
  manualSeed(4);
  const model = tinyCnn();
  const loader = new DataLoader(squares(), { batchSize: 8 });
  controller = new AbortController();
  let batches = 0;
  try {
    await fit(model, loader, {
      epochs: 500, optimizer: new optim.SGD(model.parameters(), { lr: 0.05 }), lossFn: new nn.CrossEntropyLoss(),
      signal: controller.signal,
      onBatch: () => { batches++; self.postMessage({ type: 'batch', batches }); },
    });
    return { batches, total: 500 * 8 };
  } catch (e) {
    return { batches, total: 500 * 8, rejected: e.name };
  }
}

self.onmessage = async (e) => {
  const { cmd, opts } = e.data;
  if (cmd === 'abort') { controller?.abort(); return; }
  try {
    const result = cmd === 'run' ? await trainRun(opts) : await long();
    self.postMessage({ type: 'done', result, hasProcess: typeof process !== 'undefined' });
  } catch (err) {
    self.postMessage({ type: 'error', error: String(err && err.stack || err) });
  }
};
