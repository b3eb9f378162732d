#!/usr/bin/env node
import module from 'node:module';

// Node 22.1+ keeps the compiled code of every module between runs, which roughly halves the
// start-up of a command that loads zod and yaml (`validate`); Node 20 has no such cache.
module.enableCompileCache?.();
await import('../dist/src/cli/bin.js');
