// test/helpers/atomic-writer.ts — a worker thread for test/checkpoint.test.ts: writes workerData.file
// atomically workerData.times times, as fast as it can, and posts how many writes failed and why.

import { parentPort, workerData } from 'node:worker_threads';
import { writeFileAtomic } from '../../src/io/atomic.js';

const { file, times, id } = workerData as { file: string; times: number; id: number };
const errors: string[] = [];
for (let i = 0; i < times; i++) {
  try { writeFileAtomic(file, `writer ${id}, write ${i}\n`); } catch (e) { errors.push((e as Error).message); }
}
parentPort!.postMessage(errors);
