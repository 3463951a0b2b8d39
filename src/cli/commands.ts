// cli/commands.ts — every subcommand of `convnet`, one import per line (each file calls registerCommand).

import './train.js';
import './eval.js';
import './start.js';
import './vis-commands.js';
import './export.js';
