// cli/vis-commands.ts — registers the picture commands (filter, padding-demo, featuremaps, kernels, tour)
// with the `convnet` registry; imported by one line in cli/commands.ts. Each command parses its own argv
// (see vis-common.ts) and reports its own errors; the registry's strict parse checks the same flags first.

import { registerCommand } from './registry.js';
import type { VisCommand } from './vis-common.js';
import { filterCommand } from './filter.js';
import { paddingDemoCommand } from './padding-demo.js';
import { featuremapsCommand } from './featuremaps.js';
import { kernelsCommand } from './kernels.js';
import { tourCommand } from './tour.js';

const picture: VisCommand[] = [filterCommand, featuremapsCommand, kernelsCommand, paddingDemoCommand, tourCommand];
for (const c of picture) {
  registerCommand({
    name: c.name, summary: c.summary, usage: c.usage, options: { help: { type: 'boolean', short: 'h' }, ...c.options }, allowPositionals: true,
    run: ({ argv }) => c.run(argv),
  });
}
