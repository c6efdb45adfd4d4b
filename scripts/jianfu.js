#!/usr/bin/env node
// Runs the TypeScript sources directly through tsx so a fresh clone needs no build step.
// Both of tsx's hooks, as `node --import tsx` would install them: src/cli.ts loads its
// subcommands with `await import('./cli/…')`, which goes through Node's ESM loader and
// needs tsx's ESM resolver to find an extensionless .ts file.
// tsx reads tsconfig.json (decorators for the entities) from the cwd; point it at ours so any cwd works.
process.env.TSX_TSCONFIG_PATH ??= require('node:path').join(__dirname, '..', 'tsconfig.json');
import('tsx').then(() => require('../src/cli.ts').main(process.argv.slice(2))).then(
  (code) => { if (typeof code === 'number') process.exitCode = code; },
  (err) => { process.stderr.write(`${err instanceof Error ? err.message : err}\n`); process.exit(1); },
);
