/**
 * The pinned agent CLIs for the real-CLI tests, installed once into a cache folder and reused; never
 * dependencies of peerwatch (100-400 MB each). Folder: $PEERWATCH_CLI_CACHE, else
 * ~/.cache/peerwatch-clis, one `<package>@<version>` folder per CLI (`npm install --prefix`).
 * Installing needs the npm registry: it happens under CI=true or PEERWATCH_INSTALL_CLIS=1; otherwise a
 * missing CLI skips its test with one line saying how to enable it. Under CI=true a CLI that cannot
 * be installed fails the test.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { accessSync, constants, mkdirSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { type AgentCliName, findBwrap } from '../../../src/harness/index.js';

export const PINNED: Record<AgentCliName, { pkg: string; version: string; bin: string }> = {
  codex: { pkg: '@openai/codex', version: '0.169.0', bin: 'codex' },
  'claude-code': { pkg: '@anthropic-ai/claude-code', version: '2.1.197', bin: 'claude' },
  'gemini-cli': { pkg: '@google/gemini-cli', version: '0.61.0', bin: 'gemini' },
  opencode: { pkg: 'opencode-ai', version: '1.18.33', bin: 'opencode' },
};

export const CI = process.env.CI === 'true';

export function cliCache(): string {
  return process.env.PEERWATCH_CLI_CACHE || join(homedir(), '.cache', 'peerwatch-clis');
}

function executable(p: string): boolean {
  try {
    accessSync(p, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * The pinned CLI's executable, installing it first when allowed. Returns a skip reason (one line)
 * when it is not installed and installing is not allowed; throws when installing fails.
 */
/** Where the pinned CLI is installed in the cache: its folder and its executable (there or not). */
export function cachedCli(name: AgentCliName): { prefix: string; bin: string; installed: boolean } {
  const { pkg, version, bin } = PINNED[name];
  const prefix = join(cliCache(), `${pkg.replace(/^@/, '').replace('/', '-')}@${version}`);
  const path = join(prefix, 'node_modules', '.bin', bin);
  return { prefix, bin: path, installed: executable(path) };
}

export function ensureCli(name: AgentCliName): { bin: string } | { skip: string } {
  const { pkg, version } = PINNED[name];
  const { prefix, bin: path, installed } = cachedCli(name);
  if (installed) return { bin: path };
  const install = ['install', '--prefix', prefix, '--no-save', '--no-package-lock', '--no-audit', '--no-fund', `${pkg}@${version}`];
  if (!CI && process.env.PEERWATCH_INSTALL_CLIS !== '1')
    return {
      skip: `${pkg}@${version} not installed: run with PEERWATCH_INSTALL_CLIS=1 (needs the npm registry; into ${cliCache()}) or: npm ${install.join(' ')}`,
    };
  mkdirSync(prefix, { recursive: true });
  // From a neutral folder: a folder named like the package in the working directory would be taken for it.
  execFileSync('npm', install, { cwd: tmpdir(), stdio: ['ignore', 'ignore', 'pipe'], timeout: 600_000 });
  if (!executable(path)) throw new Error(`npm installed ${pkg}@${version} into ${prefix} but ${path} is missing`);
  return { bin: path };
}

/**
 * Whether a sandboxed test can run: bubblewrap is there. Missing, it is a failure under CI=true
 * (.ci/run installs it); else the test is skipped with how to install it.
 */
export function sandboxOrSkip(t: Pick<TestContext, 'skip'>): boolean {
  if (findBwrap()) return true;
  if (CI) assert.fail('bwrap is missing under CI=true: .ci/run installs bubblewrap');
  t.skip('bubblewrap (bwrap) is not installed: apt-get install -y bubblewrap');
  return false;
}

/**
 * What a real-CLI test needs before it runs: bubblewrap (sandboxOrSkip) and the CLI itself
 * (ensureCli). The CLI's path, or null when the test was skipped.
 */
export function sandboxedCli(t: TestContext, name: AgentCliName): string | null {
  if (!sandboxOrSkip(t)) return null;
  const cli = ensureCli(name);
  if ('skip' in cli) {
    t.skip(cli.skip);
    return null;
  }
  return cli.bin;
}
