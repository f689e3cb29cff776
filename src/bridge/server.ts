import type { LanguageModelV3, LanguageModelV3GenerateResult, SharedV3ProviderOptions } from '@ai-sdk/provider';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DEFAULT_RETRY, type RetryPolicy, retryAfterMs, withRetries } from '../agent/index.js';
import { type Event, UserError } from '../core/index.js';
import { type ReasoningEffort, reasoningProviderOptions, type ResolvedModel, type ResolveOptions, resolveModel } from '../models/index.js';
import { anthropicMessages } from './anthropic-messages.js';
import { gemini } from './gemini.js';
import { openaiChat } from './openai-chat.js';
import { openaiResponses } from './openai-responses.js';
import {
  type BridgeRequest,
  BridgeInputError,
  type Frame,
  ItemMemory,
  type Protocol,
  type ProtocolName,
  type RequestedReasoning,
  type RouteContext,
} from './protocol.js';
import { ConversationLog } from './conversations.js';
import { BridgeRecorder } from './recorder.js';

export interface BridgeOptions {
  /** A model spec (`openai:gpt-5.2`, `scripted:honest`) or a model already resolved. */
  model: string | ResolvedModel;
  /** How a spec is resolved (base URL, key variable, env). */
  resolve?: ResolveOptions;
  /** Wraps the model before use: the sweep's gateway (rate limits, cache, cost, timeouts). */
  gateway?: (model: LanguageModelV3) => LanguageModelV3;
  /** Retries around each call (the one retry owner, as in the agent loop). */
  retry?: RetryPolicy;
  /** Asked of the backing model on every call; else the effort the client asked for, if any. */
  reasoningEffort?: ReasoningEffort;
  /** Default 127.0.0.1; the bridge refuses anything that is not a loopback address. */
  host?: string;
  /** Default 0 (any free port). */
  port?: number;
  /**
   * Listen on this Unix socket instead of a TCP port (a harness rollout binds it into the sandbox,
   * where a forwarder on the CLI's loopback reaches it). `origin` is then `unixOrigin`.
   */
  socketPath?: string;
  /** With `socketPath`: the origin clients use to reach the socket (default http://127.0.0.1). */
  unixOrigin?: string;
  /** The bearer token clients must send; default a fresh random one. */
  token?: string;
  /** Largest request body in bytes (413 beyond); default 32 MiB. */
  bodyLimit?: number;
  /** Clock for transcript event times (the rollout's simulated clock); default the wall clock. */
  clock?: () => string;
  /** Told every exchange when it ends (answered or refused). */
  onExchange?: (exchange: BridgeExchange) => void;
  /** Keep every exchange's events in `events` (default true); false for a long-lived bridge that logs them instead. */
  keepTranscript?: boolean;
  /**
   * Group exchanges by client conversation (conversations.ts), each its own transcript, named by
   * `exchange.conversation`; default false: one transcript in arrival order (a harness rollout's).
   */
  byConversation?: boolean;
}

/** One request to the bridge and what came of it. */
export interface BridgeExchange {
  seq: number;
  protocol: ProtocolName | null;
  method: string;
  path: string;
  stream: boolean;
  status: number;
  /** The model name the client asked for. */
  model: string | null;
  /** Tools the request offered (0 for a client's side request, such as a title). */
  tools: number;
  /** The reasoning the client asked for, in its API's terms. */
  reasoning: RequestedReasoning | null;
  /** The provider options the backing model was called with. */
  providerOptions: SharedV3ProviderOptions | null;
  inputTokens: number | null;
  outputTokens: number | null;
  reasoningTokens: number | null;
  finishReason: string | null;
  /** Retries the call took beyond the first attempt. */
  retries: number;
  error: string | null;
  /** Wall time from the request's arrival to the answer's last byte. */
  ms: number;
  /** Transcript events this exchange added. */
  events: Event[];
  /** The client conversation it belongs to (with `byConversation`; else 0), null when no model was called. */
  conversation: number | null;
}

export interface Bridge {
  /** http://127.0.0.1:<port> (with a Unix socket: `unixOrigin`) */
  origin: string;
  /** The TCP port; 0 on a Unix socket. */
  port: number;
  token: string;
  /** The base URL each kind of client is given. */
  urls: Record<ProtocolName, string>;
  /** Every exchange's events, in order (the harness rollout's transcript); empty with `keepTranscript: false`. */
  readonly events: readonly Event[];
  readonly model: ResolvedModel;
  close(): Promise<void>;
}

const DEFAULT_BODY_LIMIT = 32 * 1024 * 1024;
const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|localhost)$/;
const GEMINI_PATH = /^\/(?:v1beta|v1|v1alpha)\/models\/([^/:]+):(generateContent|streamGenerateContent)$/;

/** The base URL each kind of client is given, for a bridge reached at `origin`. */
export function bridgeUrls(origin: string): Record<ProtocolName, string> {
  return { 'openai-chat': `${origin}/v1`, 'openai-responses': `${origin}/v1`, anthropic: origin, gemini: origin };
}

function route(method: string, path: string): { protocol: Protocol; ctx: RouteContext } | null {
  if (method !== 'POST') return null;
  const p = path.startsWith('/v1/') ? path.slice(3) : path;
  if (p === '/chat/completions') return { protocol: openaiChat, ctx: {} };
  if (p === '/responses') return { protocol: openaiResponses, ctx: {} };
  if (p === '/messages') return { protocol: anthropicMessages, ctx: {} };
  const g = GEMINI_PATH.exec(path);
  if (g) return { protocol: gemini, ctx: { pathModel: decodeURIComponent(g[1] as string), pathStream: g[2] === 'streamGenerateContent' } };
  return null;
}

/** The protocol whose error shape answers a request the router cannot place (by its path's look). */
function guessProtocol(path: string): Protocol {
  if (path.includes('/models/')) return gemini;
  if (path.endsWith('/messages')) return anthropicMessages;
  return openaiChat;
}

/** The token from whichever header (or Gemini's `key` parameter) the client's API uses. */
function presentedToken(req: IncomingMessage, url: URL): string | null {
  const auth = req.headers.authorization;
  if (auth?.startsWith('Bearer ')) return auth.slice(7).trim();
  const header = req.headers['x-api-key'] ?? req.headers['x-goog-api-key'];
  if (typeof header === 'string') return header.trim();
  return url.searchParams.get('key');
}

function sameToken(given: string | null, expected: Buffer): boolean {
  if (given === null) return false;
  const b = Buffer.from(given);
  return b.length === expected.length && timingSafeEqual(b, expected);
}

class TooLarge extends Error {}

function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) return Promise.reject(new TooLarge());
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > limit) {
        req.removeAllListeners('data');
        req.resume();
        reject(new TooLarge());
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function sse(frames: Frame[]): string {
  let out = '';
  for (const f of frames) {
    const data = typeof f.data === 'string' ? f.data : JSON.stringify(f.data);
    out += f.event ? `event: ${f.event}\ndata: ${data}\n\n` : `data: ${data}\n\n`;
  }
  return out;
}

/** An upstream failure as the client's API would report it: its status when it is a client error or a rate limit, else 502. */
function upstreamStatus(e: unknown): number {
  const s = (e as { statusCode?: number } | null)?.statusCode;
  if (s === 429 || s === 400 || s === 413) return s;
  return 502;
}

function describe(e: unknown): string {
  if (e instanceof Error) {
    const status = (e as { statusCode?: number }).statusCode;
    return `${e.name}${status ? ` (HTTP ${status})` : ''}: ${e.message}`.slice(0, 2000);
  }
  return String(e).slice(0, 2000);
}

function wallClock(): string {
  return new Date().toISOString().slice(0, 19).replace('T', ' ');
}

const EFFORTS = new Set(['low', 'medium', 'high']);

/**
 * Starts a local server that speaks OpenAI Chat Completions and Responses, Anthropic Messages and
 * Gemini generateContent, answering every request with one peerwatch model through the AI SDK's
 * provider interface. It binds a loopback address only and needs its bearer token on every request.
 */
export async function startBridge(opts: BridgeOptions): Promise<Bridge> {
  const resolved = typeof opts.model === 'string' ? resolveModel(opts.model, opts.resolve ?? {}) : opts.model;
  const model = opts.gateway ? opts.gateway(resolved.model) : resolved.model;
  const host = opts.host ?? '127.0.0.1';
  if (!LOOPBACK.test(host)) throw new UserError(`the bridge binds a loopback address only (127.0.0.1 or ::1), not '${host}'`);
  const token = opts.token ?? randomBytes(24).toString('base64url');
  if (token.length < 16) throw new UserError('the bridge token must be at least 16 characters');
  const expected = Buffer.from(token);
  const limit = opts.bodyLimit ?? DEFAULT_BODY_LIMIT;
  const retry = opts.retry ?? DEFAULT_RETRY;
  const clock = opts.clock ?? wallClock;
  const keep = opts.keepTranscript ?? true;
  const recorder = new BridgeRecorder(clock, keep);
  const conversations = opts.byConversation ? new ConversationLog(clock, keep) : null;
  const items = new ItemMemory();
  let seq = 0;
  // Calls are answered one at a time, in arrival order, so the transcript is one conversation's order.
  let queue: Promise<unknown> = Promise.resolve();

  const providerOptionsFor = (r: BridgeRequest): SharedV3ProviderOptions | undefined => {
    const asked = r.reasoning?.effort?.toLowerCase();
    const effort = opts.reasoningEffort ?? (asked && EFFORTS.has(asked) ? (asked as ReasoningEffort) : undefined);
    return reasoningProviderOptions(resolved, effort) as SharedV3ProviderOptions | undefined;
  };

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = performance.now();
    const method = req.method ?? 'GET';
    const url = new URL(req.url ?? '/', 'http://bridge');
    const exchange: BridgeExchange = {
      seq: seq++,
      protocol: null,
      method,
      path: url.pathname,
      stream: false,
      status: 0,
      model: null,
      tools: 0,
      reasoning: null,
      providerOptions: null,
      inputTokens: null,
      outputTokens: null,
      reasoningTokens: null,
      finishReason: null,
      retries: 0,
      error: null,
      ms: 0,
      events: [],
      conversation: null,
    };
    const found = route(method, url.pathname);
    const protocol = found?.protocol ?? guessProtocol(url.pathname);
    const finish = (status: number, body: string, type: string) => {
      exchange.status = status;
      exchange.ms = performance.now() - started;
      res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(body) });
      res.end(body);
      opts.onExchange?.(exchange);
    };
    const fail = (status: number, message: string, field?: string) => {
      exchange.error = message;
      finish(status, JSON.stringify(protocol.error(status, message, field)), 'application/json');
    };
    if (!sameToken(presentedToken(req, url), expected)) {
      req.resume();
      return fail(401, 'missing or wrong API key: send the bridge token as the bearer token (or x-api-key / x-goog-api-key)');
    }
    if (!found) {
      req.resume();
      return fail(404, `no such endpoint: ${method} ${url.pathname}`);
    }
    exchange.protocol = protocol.name;
    let raw: Buffer;
    try {
      raw = await readBody(req, limit);
    } catch (e) {
      if (e instanceof TooLarge) {
        res.setHeader('connection', 'close');
        return fail(413, `request body is larger than the bridge's limit of ${limit} bytes`);
      }
      return fail(400, `could not read the request body: ${describe(e)}`);
    }
    let body: unknown;
    try {
      body = JSON.parse(raw.toString('utf8'));
    } catch {
      return fail(400, 'the request body is not valid JSON');
    }
    if (!body || typeof body !== 'object' || Array.isArray(body)) return fail(400, 'the request body must be a JSON object');
    let request: BridgeRequest;
    try {
      request = protocol.parse(body, { ...found.ctx, sse: url.searchParams.get('alt') === 'sse', items });
    } catch (e) {
      if (e instanceof BridgeInputError) return fail(e.status, e.message, e.field);
      throw e;
    }
    exchange.model = request.model;
    exchange.tools = request.options.tools?.length ?? 0;
    exchange.stream = request.stream;
    exchange.reasoning = request.reasoning;
    const providerOptions = providerOptionsFor(request);
    exchange.providerOptions = providerOptions ?? null;
    const abort = new AbortController();
    res.on('close', () => {
      if (!res.writableFinished) abort.abort(new Error('the client went away'));
    });

    const run = queue.then(async () => {
      let result: LanguageModelV3GenerateResult | null = null;
      let error: unknown = null;
      try {
        const done = await withRetries(
          async () => model.doGenerate({ ...request.options, ...(providerOptions ? { providerOptions } : {}), abortSignal: abort.signal }),
          retry,
        );
        result = done.value;
        exchange.retries = done.attempts - 1;
      } catch (e) {
        error = e;
      }
      const failure = error === null ? null : describe(error);
      if (conversations) Object.assign(exchange, conversations.record(request.options.prompt, result, failure));
      else {
        exchange.events = recorder.record(request.options.prompt, result, failure);
        exchange.conversation = 0;
      }
      return { result, error };
    });
    queue = run.catch(() => {});
    const { result, error } = await run;
    if (!result) {
      // A rate limit the model's API set is passed on, so the client backs off too.
      const wait = retryAfterMs(error);
      if (wait !== null) res.setHeader('retry-after', String(Math.ceil(wait / 1000)));
      return fail(upstreamStatus(error), `the model call failed: ${describe(error)}`);
    }
    exchange.inputTokens = result.usage.inputTokens.total ?? null;
    exchange.outputTokens = result.usage.outputTokens.total ?? null;
    exchange.reasoningTokens = result.usage.outputTokens.reasoning ?? null;
    exchange.finishReason = result.finishReason.unified;
    if (!request.stream) return finish(200, JSON.stringify(protocol.answer(result, request)), 'application/json');
    const frames = protocol.frames(result, request);
    // Gemini without alt=sse streams one JSON array.
    if (protocol.name === 'gemini' && url.searchParams.get('alt') !== 'sse')
      return finish(200, JSON.stringify(frames.map((f) => f.data)), 'application/json');
    exchange.status = 200;
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
    res.end(sse(frames));
    exchange.ms = performance.now() - started;
    opts.onExchange?.(exchange);
  }

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((e: unknown) => {
      // A bug in the bridge answers 500 in the protocol's shape; the server keeps serving.
      if (res.headersSent) {
        res.destroy();
        return;
      }
      const p = guessProtocol(req.url ?? '/');
      const body = JSON.stringify(p.error(500, `internal bridge error: ${describe(e)}`));
      res.writeHead(500, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
      res.end(body);
    });
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    const listening = () => {
      server.off('error', reject);
      resolve();
    };
    if (opts.socketPath) server.listen(opts.socketPath, listening);
    else server.listen(opts.port ?? 0, host, listening);
  });
  const port = opts.socketPath ? 0 : (server.address() as AddressInfo).port;
  const origin = opts.socketPath ? (opts.unixOrigin ?? 'http://127.0.0.1') : `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  return {
    origin,
    port,
    token,
    urls: bridgeUrls(origin),
    get events() {
      return recorder.events;
    },
    model: resolved,
    close: async () => {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      // A call still answering when the connections went is recorded (as failed) before close returns.
      await queue;
    },
  };
}
