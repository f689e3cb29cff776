import type { LanguageModelV3 } from '@ai-sdk/provider';
import { createWriteStream, type WriteStream } from 'node:fs';
import { type Command, Option } from 'commander';
import { type BridgeExchange, startBridge } from '../../bridge/index.js';
import { UserError } from '../../core/index.js';
import {
  CallMeter,
  DEFAULT_TIMEOUT_MS,
  type Endpoint,
  gatewayModel,
  priceFor,
  RateLimiter,
  retryPolicy,
  settingsFromConfig,
} from '../../experiment/index.js';
import { type ReasoningEffort, resolveModel } from '../../models/index.js';
import { BridgeSession } from '../bridge-session.js';
import { isPostgresUrl, postgresLabel } from '../../store/index.js';
import { intOption, numberOption } from '../options.js';
import { readRunConfig } from '../run-config.js';

interface BridgeFlags {
  model: string;
  port: number;
  host: string;
  baseUrl?: string;
  apiKeyEnv?: string;
  config?: string;
  rpm?: number;
  tpm?: number;
  reasoningEffort?: ReasoningEffort;
  log?: string;
  db?: string;
  bodyLimit: number;
}

/**
 * `peerwatch bridge --model <spec>`: one local server that speaks the OpenAI (Chat Completions and
 * Responses), Anthropic Messages and Gemini APIs, answering every request with the named model through
 * the same gateway as a sweep (rate limits, retries, timeouts, cost). Serves until Ctrl-C.
 */
export function registerBridgeCommand(program: Command): void {
  program
    .command('bridge')
    .description(
      'Serve OpenAI (Chat Completions, Responses), Anthropic Messages and Gemini generateContent on a loopback port, every request answered by one peerwatch model, so agent harnesses and SDK clients can be pointed at it. Prints the base URL per API and the bearer token, then one JSON line per exchange (stdout, or --log). Ctrl-C stops it.',
    )
    .requiredOption(
      '-m, --model <spec>',
      'the model that answers: openai:<id>, anthropic:<id>, google:<id>, openai-compatible:<id> (with --base-url), ollama:<id>, ..., scripted:<profile>',
    )
    .option('--port <n>', 'port to listen on (0: any free port)', intOption(0, 65_535), 0)
    .addOption(new Option('--host <address>', 'loopback address to bind').choices(['127.0.0.1', '::1']).default('127.0.0.1'))
    .option('--base-url <url>', "the model's base URL (openai-compatible; or to override a provider's)")
    .option('--api-key-env <name>', 'environment variable holding the openai-compatible key')
    .option('--config <file>', 'peerwatch.config.yaml/.ts: per-model rpm, tpm, price, retry settings')
    .option('--rpm <n>', 'requests per minute allowed to the model (overrides the config file)', numberOption(0.001, 1e9))
    .option('--tpm <n>', 'tokens per minute allowed to the model (overrides the config file)', numberOption(1, 1e12))
    .addOption(
      new Option('--reasoning-effort <level>', 'reasoning effort asked of the model on every call (default: what the client asks)').choices(
        ['low', 'medium', 'high'],
      ),
    )
    .option('--log <file.jsonl>', 'append the exchange log here instead of stdout')
    .option(
      '--db <path>',
      'also store the session (one run, one rollout per client conversation, saved when the bridge stops) in this SQLite file or postgres:// URL (default: $PEERWATCH_DB when set)',
    )
    .option('--body-limit <bytes>', 'largest request body accepted (413 beyond)', intOption(1024, 1024 ** 3), 32 * 1024 * 1024)
    .action(async (flags: BridgeFlags) => {
      await serveBridge(flags);
    });
}

/**
 * The named model behind the sweep's gateway (rate limits, retries, timeouts, cost), as the bridge
 * serves it: for `peerwatch bridge` and for harness rollouts.
 */
export async function gatewayedModel(flags: Pick<BridgeFlags, 'model' | 'baseUrl' | 'apiKeyEnv' | 'config' | 'rpm' | 'tpm'>) {
  const loaded = await readRunConfig(flags.config, process.cwd());
  const settings = settingsFromConfig(loaded?.config, false);
  const own = settings.models?.[flags.model];
  const baseUrl = flags.baseUrl ?? own?.baseUrl;
  const apiKeyEnv = flags.apiKeyEnv ?? own?.apiKeyEnv;
  const resolved = resolveModel(flags.model, { ...(baseUrl ? { baseUrl } : {}), ...(apiKeyEnv ? { apiKeyEnv } : {}) });
  const retry = retryPolicy(settings);
  const endpoint: Endpoint = {
    spec: resolved.id,
    scripted: resolved.kind === 'scripted',
    limiter: new RateLimiter({ rpm: flags.rpm ?? own?.rpm, tpm: flags.tpm ?? own?.tpm }),
    price: own?.price ?? priceFor(resolved.id, settings.prices),
    timeoutMs: settings.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    retry,
    cache: null,
  };
  const meter = new CallMeter();
  return { resolved, retry, meter, gateway: (m: LanguageModelV3) => gatewayModel(m, endpoint, meter, 0) };
}

async function serveBridge(flags: BridgeFlags): Promise<void> {
  const { resolved, retry, meter, gateway } = await gatewayedModel(flags);
  const db = flags.db ?? (process.env.PEERWATCH_DB || undefined);
  // Opened before serving, so a store that cannot be written is a one-line error, not a lost session.
  const session = db
    ? BridgeSession.open(db, resolved, {
        host: flags.host,
        ...(flags.reasoningEffort ? { reasoningEffort: flags.reasoningEffort } : {}),
        ...(flags.rpm ? { rpm: flags.rpm } : {}),
        ...(flags.tpm ? { tpm: flags.tpm } : {}),
      })
    : null;
  let out: WriteStream | NodeJS.WriteStream = process.stdout;
  if (flags.log) {
    const file = createWriteStream(flags.log, { flags: 'a' });
    await new Promise<void>((resolve, reject) => {
      file.once('open', () => resolve());
      file.once('error', (e) => reject(new UserError(`cannot open --log ${flags.log}: ${e.message}`)));
    });
    out = file;
  }
  let calls = 0;
  const onExchange = (e: BridgeExchange) => {
    // The gateway's meter holds the cost of each answered call, in order.
    const usage = e.status === 200 ? meter.calls[calls++] : undefined;
    session?.add(e);
    out.write(
      `${JSON.stringify({ time: new Date().toISOString(), ...e, ms: Math.round(e.ms * 100) / 100, costUsd: usage?.costUsd ?? null })}\n`,
    );
  };
  const where = db && isPostgresUrl(db) ? postgresLabel(db) : db;
  let bridge: Awaited<ReturnType<typeof startBridge>>;
  try {
    bridge = await startBridge({
      model: resolved,
      gateway,
      retry,
      host: flags.host,
      port: flags.port,
      bodyLimit: flags.bodyLimit,
      ...(process.env.PEERWATCH_BRIDGE_TOKEN ? { token: process.env.PEERWATCH_BRIDGE_TOKEN } : {}),
      ...(flags.reasoningEffort ? { reasoningEffort: flags.reasoningEffort } : {}),
      onExchange,
      // Each exchange's events go to the log (and the session); the bridge itself keeps none in memory.
      keepTranscript: false,
      // Several clients, or one client's side requests, each get a transcript (a rollout) of their own.
      byConversation: true,
    });
  } catch (e) {
    session?.fail();
    throw e;
  }
  process.stdout.write(
    [
      `model             ${resolved.id}`,
      `openai-chat       ${bridge.urls['openai-chat']}   (POST /chat/completions)`,
      `openai-responses  ${bridge.urls['openai-responses']}   (POST /responses)`,
      `anthropic         ${bridge.urls.anthropic}   (POST /v1/messages)`,
      `gemini            ${bridge.urls.gemini}   (POST /v1beta/models/<model>:generateContent)`,
      `token             ${bridge.token}`,
      ...(session ? [`run               ${session.runId}   (stored in ${where} when the bridge stops)`] : []),
      '',
    ].join('\n'),
  );
  await new Promise<void>((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      void bridge.close().then(resolve);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  if (out !== process.stdout) await new Promise<void>((resolve) => (out as WriteStream).end(resolve));
  process.stderr.write(`peerwatch: bridge stopped after ${calls} answered call(s)\n`);
  if (session) {
    const saved = session.close();
    process.stderr.write(`peerwatch: stored ${saved} conversation(s) as run ${session.runId} in ${where}\n`);
  }
}
