#!/usr/bin/env node
// Runs the TypeScript sources directly through tsx so a fresh clone needs no build step.
require('tsx/cjs');
require('../src/cli.ts').main(process.argv.slice(2)).then(
  (code) => { if (typeof code === 'number') process.exitCode = code; },
  (err) => { console.error(err instanceof Error ? err.message : err); process.exit(1); },
);
