/**
 * The agent CLIs harness mode runs: how each is found, which model API it speaks to the bridge, the
 * config it gets in the sandbox's HOME, and its headless command line with approvals off. Settings
 * and traps were checked offline against the versions in TESTED_VERSIONS (docs/reference/harness-agents.md).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ProtocolName } from '../bridge/index.js';

export const AGENT_CLIS = ['codex', 'claude-code', 'gemini-cli', 'opencode'] as const;
export type AgentCliName = (typeof AGENT_CLIS)[number];

/** What an adapter is told about the rollout. */
export interface CliContext {
  /** The sandbox HOME on the host (written before the CLI starts). */
  home: string;
  /** HOME as the CLI sees it. */
  sandboxHome: string;
  /** The bridge's base URL for this CLI's API, as the CLI reaches it. */
  baseUrl: string;
  token: string;
  /** The model name the CLI sends (the bridge answers with its own model whatever the name). */
  modelName: string;
  task: string;
  maxTurns: number;
}

export interface AgentCli {
  name: AgentCliName;
  /** The executable looked for on PATH. */
  bin: string;
  /** The npm package that provides it (the install hint). */
  pkg: string;
  /** The version the settings below were checked with; older ones are refused. */
  tested: string;
  protocol: ProtocolName;
  /** The model name used when the backing model is not of the CLI's own provider. */
  defaultModel: string;
  /** The backing model's provider whose model ids the CLI is given as they are. */
  provider: string;
  /** The memory file the CLI reads by itself from its working directory (the workspace's memory in shell form). */
  memoryFile: string;
  /** Reads the version out of `<bin> --version`. */
  version(output: string): string | null;
  /** Writes the CLI's config under HOME; returns its environment and arguments. */
  prepare(ctx: CliContext): { env: Record<string, string>; args: string[] };
  /**
   * The headless command line that continues the CLI's own latest session (kept in the sandbox HOME)
   * with one more user turn: the follow-up interview's question. Same environment as `prepare`'s.
   */
  resume(ctx: CliContext, prompt: string): string[];
}

const semver = (output: string) => /(\d+\.\d+\.\d+)/.exec(output)?.[1] ?? null;

function write(path: string, text: string): void {
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, text);
}

const toml = (s: string) => JSON.stringify(s);

const codex: AgentCli = {
  name: 'codex',
  bin: 'codex',
  pkg: '@openai/codex',
  tested: '0.169.0',
  protocol: 'openai-responses',
  defaultModel: 'gpt-5.2',
  provider: 'openai',
  memoryFile: 'AGENTS.md',
  version: semver,
  prepare(ctx) {
    // wire_api "responses" (Codex refuses "chat"); analytics and plugins off, else it looks up hosts;
    // allow_login_shell false, else `bash -lc` resets PATH and the ssh shims are skipped. Codex's own
    // sandbox is off: the bubblewrap sandbox is the wall. Codex has no turn limit of its own.
    write(
      join(ctx.home, '.codex', 'config.toml'),
      [
        `model = ${toml(ctx.modelName)}`,
        'model_provider = "peerwatch"',
        'approval_policy = "never"',
        'sandbox_mode = "danger-full-access"',
        'allow_login_shell = false',
        // Hosted tools (web search) and tool namespaces (multi-agent) have no function the bridge can serve.
        'web_search = "disabled"',
        '',
        '[model_providers.peerwatch]',
        'name = "peerwatch bridge"',
        `base_url = ${toml(ctx.baseUrl)}`,
        'wire_api = "responses"',
        'env_key = "PEERWATCH_BRIDGE_TOKEN"',
        '',
        '[analytics]',
        'enabled = false',
        '',
        '[features]',
        'plugins = false',
        'multi_agent = false',
        '',
      ].join('\n'),
    );
    return {
      env: { CODEX_HOME: `${ctx.sandboxHome}/.codex` },
      args: ['exec', '--skip-git-repo-check', ctx.task],
    };
  },
  // The newest session recorded under CODEX_HOME (the rollout's own: HOME is private to it).
  resume: (_ctx, prompt) => ['exec', 'resume', '--last', '--skip-git-repo-check', prompt],
};

const claudeCode: AgentCli = {
  name: 'claude-code',
  bin: 'claude',
  pkg: '@anthropic-ai/claude-code',
  tested: '2.1.197',
  protocol: 'anthropic',
  defaultModel: 'claude-sonnet-4-5',
  provider: 'anthropic',
  memoryFile: 'CLAUDE.md',
  version: semver,
  prepare(ctx) {
    return {
      env: {
        ANTHROPIC_BASE_URL: ctx.baseUrl,
        ANTHROPIC_API_KEY: ctx.token,
        CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
        DISABLE_AUTOUPDATER: '1',
        DISABLE_TELEMETRY: '1',
        DISABLE_ERROR_REPORTING: '1',
        // Permission bypass is refused as root without it (the sandbox runs as uid 1000; kept for --no-sandbox as root).
        IS_SANDBOX: '1',
      },
      args: ['-p', ctx.task, '--max-turns', String(ctx.maxTurns), '--model', ctx.modelName, '--dangerously-skip-permissions'],
    };
  },
  // --continue: the most recent conversation in this working directory (the workspace).
  resume: (ctx, prompt) => [
    '-p',
    prompt,
    '--continue',
    '--max-turns',
    String(ctx.maxTurns),
    '--model',
    ctx.modelName,
    '--dangerously-skip-permissions',
  ],
};

const geminiCli: AgentCli = {
  name: 'gemini-cli',
  bin: 'gemini',
  pkg: '@google/gemini-cli',
  tested: '0.61.0',
  protocol: 'gemini',
  defaultModel: 'gemini-2.5-pro',
  provider: 'google',
  memoryFile: 'GEMINI.md',
  version: semver,
  prepare(ctx) {
    // API-key auth and folder trust off (else exit 41); no telemetry or update checks.
    const settings = {
      security: { auth: { selectedType: 'gemini-api-key' }, folderTrust: { enabled: false } },
      privacy: { usageStatisticsEnabled: false },
      telemetry: { enabled: false },
      general: { disableAutoUpdate: true, disableUpdateNag: true },
      model: { maxSessionTurns: ctx.maxTurns },
    };
    write(join(ctx.home, '.gemini', 'settings.json'), `${JSON.stringify(settings, null, 2)}\n`);
    return {
      // No relaunch: it otherwise starts itself again in a second node process (twice the start-up).
      env: { GOOGLE_GEMINI_BASE_URL: ctx.baseUrl, GEMINI_API_KEY: ctx.token, GEMINI_CLI_NO_RELAUNCH: 'true' },
      args: ['-p', ctx.task, '--yolo', '-m', ctx.modelName],
    };
  },
  resume: (ctx, prompt) => ['--resume', 'latest', '-p', prompt, '--yolo', '-m', ctx.modelName],
};

const opencode: AgentCli = {
  name: 'opencode',
  bin: 'opencode',
  pkg: 'opencode-ai',
  tested: '1.18.33',
  protocol: 'openai-chat',
  defaultModel: 'agent',
  provider: 'openai-compatible',
  memoryFile: 'AGENTS.md',
  version: semver,
  prepare(ctx) {
    const config = {
      $schema: 'https://opencode.ai/config.json',
      provider: {
        peerwatch: {
          npm: '@ai-sdk/openai-compatible',
          name: 'peerwatch bridge',
          options: { baseURL: ctx.baseUrl, apiKey: ctx.token },
          models: { [ctx.modelName]: { name: ctx.modelName, tool_call: true } },
        },
      },
      model: `peerwatch/${ctx.modelName}`,
      permission: { bash: 'allow', edit: 'allow', webfetch: 'allow', external_directory: 'allow' },
      autoupdate: false,
      share: 'disabled',
    };
    const path = join(ctx.home, '.config', 'opencode', 'peerwatch.json');
    write(path, `${JSON.stringify(config, null, 2)}\n`);
    return {
      env: {
        OPENCODE_CONFIG: `${ctx.sandboxHome}/.config/opencode/peerwatch.json`,
        // Else an opencode.json above the working directory silently wins.
        OPENCODE_DISABLE_PROJECT_CONFIG: '1',
        OPENCODE_DISABLE_MODELS_FETCH: '1',
        OPENCODE_DISABLE_AUTOUPDATE: '1',
        OPENCODE_DISABLE_LSP_DOWNLOAD: '1',
        OPENCODE_DISABLE_DEFAULT_PLUGINS: '1',
        OPENCODE_DISABLE_SHARE: '1',
        OPENCODE_PURE: '1',
      },
      args: ['run', '--auto', '-m', `peerwatch/${ctx.modelName}`, ctx.task],
    };
  },
  resume: (ctx, prompt) => ['run', '--continue', '--auto', '-m', `peerwatch/${ctx.modelName}`, prompt],
};

export const AGENT_CLI_TABLE: Record<AgentCliName, AgentCli> = {
  codex,
  'claude-code': claudeCode,
  'gemini-cli': geminiCli,
  opencode,
};

/** -1, 0, 1 as a is older, the same, newer than b (x.y.z). */
export function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < 3; i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return Math.sign(d);
  }
  return 0;
}
