// scripts/fuzz.mjs — `npm run fuzz`: test/fuzz.test.ts with a long budget and a fresh seed.
//   npm run fuzz                        3000 cases per property and backend, a random seed (printed)
//   FUZZ_RUNS=20000 npm run fuzz        longer
//   FUZZ_SEED=123 npm run fuzz          replay a seed that failed
//   FUZZ_TRACE=1 npm run fuzz           print every case first (finds a case that gets the process killed)
import { spawnSync } from 'node:child_process';

const seed = process.env.FUZZ_SEED ?? String(Math.floor(Math.random() * 2 ** 31));
const runs = process.env.FUZZ_RUNS ?? '3000';
console.log(`fuzz: seed ${seed}, ${runs} cases per property and backend (replay with FUZZ_SEED=${seed} npm run fuzz)`);
const r = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-timeout=3600000', 'test/fuzz.test.ts'], {
  stdio: 'inherit', env: { ...process.env, FUZZ_SEED: seed, FUZZ_RUNS: runs },
});
process.exit(r.status ?? 1);
