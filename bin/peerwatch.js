#!/usr/bin/env node
// A reader that goes away early (`peerwatch report ... | head`) is normal use, not an error.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });
}

let cli;
try {
  cli = await import('../dist/cli/main.js');
} catch (error) {
  // A clone before its first build: say how to build, not a module-resolution stack trace.
  if (error?.code === 'ERR_MODULE_NOT_FOUND' && String(error.message).includes('dist/cli/main.js')) {
    process.stderr.write('peerwatch: dist/ is not built yet; run `npm run build` (npm ci does it once)\n');
    process.exit(2);
  }
  throw error;
}
await cli.main(process.argv);
