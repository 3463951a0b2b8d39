// bench/summary.ts — the ratios a claim rests on, over the last RUNS runs of `npm run bench` (the
// results bench/peers.ts and bench/t1.ts wrote to bench/results/): for each workload, min and median of
// tfjs-wasm / convnet-wasm and PyTorch / convnet-wasm (> 1: convnet is faster); for T1, min and median of
// PyTorch / convnet by median step time and by mean step time (which counts GC pauses).
//
//   node --import tsx bench/summary.ts [RUNS]      (default 3)

import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const dir = join(dirname(fileURLToPath(import.meta.url)), 'results');
const RUNS = Number(process.argv[2] ?? 3);
const latest = (prefix: string): string[] => readdirSync(dir).filter((f) => f.startsWith(prefix)).sort().slice(-RUNS);
const stats = (v: number[]): string => {
  if (!v.length) return 'n/a';
  const s = [...v].sort((a, b) => a - b);
  return `min ${s[0].toFixed(2)}  median ${s[s.length >> 1].toFixed(2)}  (${v.map((x) => x.toFixed(2)).join(', ')})`;
};

interface PeerRow { lib: string; key: string; ms: number | null }
const peers = latest('peers-').map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as { rows: PeerRow[]; firstTouch?: string });
console.log(`peers: ${peers.length} runs; ${peers.map((p) => p.firstTouch ?? 'first touch not recorded').join(' | ')}`);
const keys = [...new Set(peers.flatMap((p) => p.rows.map((r) => r.key)))].sort();
// Library names carry a version after a space ('pytorch 1.13.0a0', 'pytorch-skx 1.13.0a0'): match the first word.
const libName = (lib: string): string => lib.split(' ')[0];
const ratio = (p: { rows: PeerRow[] }, key: string, lib: string): number | null => {
  const ours = p.rows.find((r) => r.key === key && r.lib === 'convnet-wasm')?.ms;
  const theirs = p.rows.find((r) => r.key === key && libName(r.lib) === lib)?.ms;
  return ours && theirs ? theirs / ours : null;
};
for (const key of keys) {
  for (const lib of ['tfjs-wasm', 'pytorch', 'pytorch-skx']) {
    const v = peers.map((p) => ratio(p, key, lib)).filter((x): x is number => x !== null);
    if (v.length) console.log(`${key.padEnd(7)} ${lib.padEnd(12)} / convnet-wasm: ${stats(v)}`);
  }
}

interface T1Row { lib: string; threads: number; median: number; mean: number }
const t1 = latest('t1-').map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as { rows: T1Row[] });
console.log(`\nT1: ${t1.length} runs`);
for (const peer of [{ lib: 'pytorch', threads: 2 }, { lib: 'pytorch-skx', threads: 2 }]) {
  for (const by of ['median', 'mean'] as const) {
    const v = t1.map((r) => {
      const ours = r.rows.find((x) => x.lib === 'convnet-wasm' && x.threads === 2);
      const theirs = r.rows.find((x) => x.lib === peer.lib && x.threads === peer.threads);
      return ours && theirs ? theirs[by] / ours[by] : null;
    }).filter((x): x is number => x !== null);
    console.log(`T1 ${peer.lib.padEnd(12)} / convnet-wasm (2 threads) by ${by}: ${stats(v)}`);
  }
}
