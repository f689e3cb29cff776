// A standalone `peerwatch` with only the governance commands, for end-to-end CLI tests. Run it as a
// script (`node --import tsx cli-harness.ts keys init ...`) or call runGovernCli in-process.
import { pathToFileURL } from 'node:url';
import { Command, CommanderError } from 'commander';
import { registerGovernCommands } from '../../../src/cli/commands/govern.js';
import { UserError } from '../../../src/core/index.js';

function program(): Command {
  const p = new Command('peerwatch');
  registerGovernCommands(p);
  const exitOverride = (cmd: Command): void => {
    cmd.exitOverride();
    for (const sub of cmd.commands) exitOverride(sub);
  };
  exitOverride(p);
  return p;
}

async function run(args: string[]): Promise<number> {
  process.exitCode = 0;
  try {
    await program().parseAsync(args, { from: 'user' });
    return Number(process.exitCode ?? 0);
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : 2;
    if (e instanceof UserError) {
      process.stderr.write(`peerwatch: error: ${e.message}\n`);
      return e.exitCode;
    }
    throw e;
  }
}

/** Run in this process, capturing stdout/stderr and leaving process.exitCode as it was. */
export async function runGovernCli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const saved = { out: process.stdout.write, err: process.stderr.write, exitCode: process.exitCode };
  let stdout = '';
  let stderr = '';
  process.stdout.write = ((chunk: string) => {
    stdout += chunk;
    return true;
  }) as typeof process.stdout.write;
  process.stderr.write = ((chunk: string) => {
    stderr += chunk;
    return true;
  }) as typeof process.stderr.write;
  try {
    const code = await run(args);
    return { code, stdout, stderr };
  } finally {
    process.stdout.write = saved.out;
    process.stderr.write = saved.err;
    process.exitCode = saved.exitCode;
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  process.exitCode = await run(process.argv.slice(2));
}
