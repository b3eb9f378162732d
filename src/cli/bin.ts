/** The process edge: real stdio and signals in, exit code out. */
import { main } from './main.js';
import { processIo } from './io.js';

process.exitCode = await main(process.argv.slice(2), processIo());
