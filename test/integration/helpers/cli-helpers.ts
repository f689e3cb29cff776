import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { SummaryRow } from '../../../src/report/index.js';

export const BIN = resolve('bin/peerwatch.js');

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the built CLI as a user would (asynchronously, so a test server in this process keeps serving). */
export function cli(args: string[], opts: { cwd?: string; env?: Record<string, string | undefined> } = {}): Promise<CliResult> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries({ ...process.env, NO_COLOR: '1', ...opts.env })) if (v !== undefined) env[k] = v;
  return new Promise((done) => {
    execFile(process.execPath, [BIN, ...args], { cwd: opts.cwd, env, maxBuffer: 256 * 1024 * 1024 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      done({ code, stdout, stderr });
    });
  });
}

export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'peerwatch-it-'));
}

/** The JSON summary's rows have exactly the report's row shape. */
export type { SummaryRow as JsonSummaryRow } from '../../../src/report/index.js';

export function parseSummary(stdout: string): { run_id: string; kind: string; calibration: boolean; rows: SummaryRow[] } {
  return JSON.parse(stdout);
}
