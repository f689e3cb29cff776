#!/usr/bin/env node
import { main } from '../dist/cli/main.js';

// A reader that goes away early (`peerwatch report ... | head`) is normal use, not an error.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });
}

await main(process.argv);
