// test/helpers/checkpoint-saver.mjs — a process for test/checkpoint.test.ts to kill -9 while it saves.
// It saves checkpoints into argv[2] without end, epoch after epoch, from the epoch after the one the
// directory holds. The state of epoch e is recognisable: every weight is e, and the optimizer state says
// e, so the test can check that what it loads after a kill is one epoch's pair, not two halves.
// Plain JavaScript on the built library (dist/), so each of the test's children starts in a fraction of a
// second instead of compiling the sources with tsx first; the test checks that dist/ is current.

import { loadCheckpoint, saveCheckpoint, hasCheckpoint, nn } from '../../dist/index.js';

const dir = process.argv[2];
let epoch = hasCheckpoint(dir) ? loadCheckpoint(dir).epoch + 1 : 1;
const model = new nn.Linear(256, 512); // 0.5 MB of weights: a save takes long enough to be interrupted
let tag = 0;
const optimizer = { stateDict: () => ({ tag, filler: new Array(20_000).fill(tag) }), loadStateDict() { /* unused */ } };
process.stdout.write('ready\n');
for (;;) {
  tag = epoch;
  for (const p of model.parameters()) nn.init.constant_(p, epoch);
  await saveCheckpoint(dir, { model, optimizer, epoch });
  process.stdout.write(`saved ${epoch}\n`);
  epoch++;
}
