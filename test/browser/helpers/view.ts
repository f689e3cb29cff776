import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { BIN } from '../../integration/helpers/cli-helpers.js';

export const CHROMIUM = '/usr/bin/chromium';
export const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];
export const ARTIFACTS = 'test-artifacts';
export const skip = existsSync(CHROMIUM)
  ? false
  : `${CHROMIUM} is absent (.ci/run installs Debian's chromium; locally: apt-get install chromium)`;

/** `peerwatch view --port 0 --no-open`; resolves with the URL it prints. */
export function startView(db: string): Promise<{ url: string; proc: ChildProcess }> {
  const proc = spawn(process.execPath, [BIN, 'view', '--db', db, '--port', '0', '--no-open'], { stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    const timer = setTimeout(() => reject(new Error(`view printed no URL in 10 s: ${out} ${err}`)), 10_000);
    proc.stderr!.on('data', (d) => (err += d));
    proc.stdout!.on('data', (d) => {
      out += d;
      const m = out.match(/^(http:\/\/127\.0\.0\.1:\d+\/)\n/m);
      if (m) {
        clearTimeout(timer);
        resolve({ url: m[1]!, proc });
      }
    });
    proc.on('exit', (code) => reject(new Error(`view exited ${code}: ${err}`)));
  });
}

export async function ready(page: Page, name: string): Promise<void> {
  await page.waitForSelector(`body[data-ready="${name}"]`);
}

export async function stopView(proc: ChildProcess): Promise<number | null> {
  proc.kill('SIGTERM');
  return new Promise((done) => (proc.exitCode !== null ? done(proc.exitCode) : proc.on('exit', done)));
}
