import http from 'node:http';
import https from 'node:https';
import { Readable } from 'node:stream';
import zlib from 'node:zlib';
import { normalizeHeaders } from '@ai-sdk/provider-utils';

/**
 * A `fetch` for the AI SDK's OpenAI-compatible providers built on node:http(s) with keep-alive
 * agents. The platform fetch (undici) spent about 0.4 ms of CPU per request in the throughput
 * bench, this about half that, and a sweep makes millions of requests to the same host. It covers
 * what the providers use: string/URL input, a string or byte body, headers, an abort signal, and a
 * buffered body (or a streamed one for server-sent events). Anything else goes to the platform
 * fetch, as does everything when PEERWATCH_FETCH=platform.
 *
 * Failures look like the platform fetch's, so the SDK maps them the same way: a network error is
 * `TypeError('fetch failed', { cause })` (a retryable APICallError), an abort rejects with the
 * signal's reason (AbortError or TimeoutError).
 */
export type FetchFunction = typeof globalThis.fetch;

// Idle sockets are closed after 4 s, before the usual 5 s server keep-alive timeout (uvicorn, Node),
// so a request rarely goes out on a socket the server is closing. The timeout closes only idle sockets.
const KEEP_ALIVE = { keepAlive: true, timeout: 4000 };
const agents = {
  'http:': new http.Agent(KEEP_ALIVE),
  'https:': new https.Agent(KEEP_ALIVE),
};

const MAX_REDIRECTS = 5;
const utf8 = new TextDecoder();

export function transportFetch(env: Record<string, string | undefined> = process.env): FetchFunction {
  return platformFetchWanted(env) ? (...args) => globalThis.fetch(...args) : leanFetch;
}

/** PEERWATCH_FETCH=platform: the platform fetch and the SDK's own request path, for comparison or a workaround. */
export function platformFetchWanted(env: Record<string, string | undefined>): boolean {
  return env.PEERWATCH_FETCH?.trim().toLowerCase() === 'platform';
}

export const leanFetch: FetchFunction = async (input, init) => {
  const url = typeof input === 'string' ? safeUrl(input) : input instanceof URL ? input : null;
  const body = init?.body;
  const plainBody = body === undefined || body === null || typeof body === 'string' || body instanceof Uint8Array;
  if (!url || !plainBody || !(url.protocol in agents) || (init?.redirect !== undefined && init.redirect !== 'follow')) {
    return globalThis.fetch(input, init);
  }
  const signal = init?.signal ?? undefined;
  signal?.throwIfAborted();
  const method = (init?.method ?? 'GET').toUpperCase();
  const raw = await exchange(url, method, normalizeHeaders(init?.headers), body ?? undefined, signal, true);
  const headers = new Headers();
  for (let i = 0; i + 1 < raw.rawHeaders.length; i += 2) headers.append(raw.rawHeaders[i] as string, raw.rawHeaders[i + 1] as string);
  const responseInit = { status: raw.status, statusText: raw.statusText, headers };
  if (raw.body instanceof Readable) return new Response(Readable.toWeb(raw.body) as ReadableStream<Uint8Array>, responseInit);
  return new Response(raw.body && raw.body.byteLength > 0 ? raw.body : null, responseInit);
};

/** A buffered answer to {@link postJson}: headers as `extractResponseHeaders` gives them from a Response. */
export interface BufferedResponse {
  status: number;
  statusText: string;
  /** Lower-case names; repeated headers joined with ', ' (set-cookie: the last one), as a Headers object iterates. */
  headers: Record<string, string>;
  text: string;
}

/**
 * POSTs a JSON text and buffers the answer, with the same connection handling, redirects and failures
 * as {@link leanFetch} but without building a web Response: the OpenAI-compatible chat fast path
 * (compatible-chat.ts) reads the text once and needs nothing else.
 */
export async function postJson(
  url: URL,
  headers: Record<string, string>,
  body: string | readonly string[],
  signal?: AbortSignal,
): Promise<BufferedResponse> {
  signal?.throwIfAborted();
  const raw = await exchange(url, 'POST', headers, body, signal, false);
  const out: Record<string, string> = {};
  const h = raw.rawHeaders;
  for (let i = 0; i + 1 < h.length; i += 2) {
    const name = (h[i] as string).toLowerCase();
    const value = h[i + 1] as string;
    const seen = out[name];
    out[name] = seen === undefined || name === 'set-cookie' ? value : `${seen}, ${value}`;
  }
  const bytes = raw.body as Buffer | null;
  // TextDecoder, as Response.text() decodes: a leading BOM is dropped, bad bytes become U+FFFD.
  return { status: raw.status, statusText: raw.statusText, headers: out, text: bytes ? utf8.decode(bytes) : '' };
}

interface RawResponse {
  status: number;
  statusText: string;
  rawHeaders: string[];
  /** Buffered and decoded; a decoded stream for server-sent events when streaming was allowed; null for no body. */
  body: Buffer | Readable | null;
}

/**
 * A request body. Pieces are sent one after another as one body: a caller that builds its JSON from
 * parts (compatible-chat.ts splices in the tools' JSON) need not join them into one more string.
 */
type Body = string | readonly string[] | Uint8Array | undefined;

/** One request, following 307/308 as the fetch standard does. */
async function exchange(
  url: URL,
  method: string,
  requestHeaders: Record<string, string>,
  body: Body,
  signal: AbortSignal | undefined,
  allowStream: boolean,
): Promise<RawResponse> {
  let headers = requestHeaders;
  let target = url;
  for (let hop = 0; ; hop++) {
    const response = await send(target, method, headers, body, signal, allowStream);
    const location = headerValue(response.rawHeaders, 'location');
    // Only 307/308 keep the method and body, which is all an API POST can follow.
    if ((response.status === 307 || response.status === 308) && location && hop < MAX_REDIRECTS) {
      if (response.body instanceof Readable) response.body.destroy();
      const next = new URL(location, target);
      if (!(next.protocol in agents)) throw new TypeError('fetch failed', { cause: new Error(`redirect to unsupported URL ${next.href}`) });
      // As the fetch standard does: credentials never follow a redirect to another origin.
      if (next.origin !== target.origin) headers = withoutCredentials(headers);
      target = next;
      continue;
    }
    return response;
  }
}

function headerValue(rawHeaders: readonly string[], name: string): string | null {
  for (let i = 0; i + 1 < rawHeaders.length; i += 2)
    if ((rawHeaders[i] as string).toLowerCase() === name) return rawHeaders[i + 1] as string;
  return null;
}

function withoutCredentials(headers: Record<string, string>): Record<string, string> {
  const { authorization: _a, 'proxy-authorization': _p, cookie: _c, 'api-key': _k, 'x-api-key': _x, ...rest } = headers;
  return rest;
}

function safeUrl(s: string): URL | null {
  try {
    return new URL(s);
  } catch {
    return null;
  }
}

function send(
  url: URL,
  method: string,
  headers: Record<string, string>,
  body: Body,
  signal: AbortSignal | undefined,
  allowStream: boolean,
): Promise<RawResponse> {
  return new Promise<RawResponse>((resolve, reject) => {
    const lib = url.protocol === 'https:' ? https : http;
    let settled = false;
    const fail = (error: unknown) => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener('abort', onAbort);
      reject(error);
    };
    const onAbort = () => {
      req.destroy();
      fail(signal?.reason);
    };
    const req = lib.request(requestOptions(url, method, headers, body), (res) => {
      const status = res.statusCode ?? 0;
      const head = { status, statusText: res.statusMessage ?? '', rawHeaders: res.rawHeaders };
      const encoding = res.headers['content-encoding'];
      const nullBody = method === 'HEAD' || status === 204 || status === 304;
      if (nullBody) {
        res.resume();
        settled = true;
        signal?.removeEventListener('abort', onAbort);
        resolve({ ...head, body: null });
        return;
      }
      if (allowStream && (res.headers['content-type'] ?? '').includes('text/event-stream')) {
        // A stream is handed over as it arrives; the abort listener stays to cut it.
        settled = true;
        res.once('close', () => signal?.removeEventListener('abort', onAbort));
        resolve({ ...head, body: decoded(res, encoding) });
        return;
      }
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', (e) => fail(new TypeError('fetch failed', { cause: e })));
      res.on('close', () => {
        if (!res.complete)
          fail(new TypeError('fetch failed', { cause: Object.assign(new Error('response body cut short'), { code: 'ECONNRESET' }) }));
      });
      res.on('end', () => {
        if (settled) return;
        if (!res.complete) {
          fail(new TypeError('fetch failed', { cause: Object.assign(new Error('response body cut short'), { code: 'ECONNRESET' }) }));
          return;
        }
        let bytes: Buffer;
        try {
          bytes = decodeBuffer(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks), encoding);
        } catch (e) {
          fail(new TypeError('fetch failed', { cause: e }));
          return;
        }
        settled = true;
        signal?.removeEventListener('abort', onAbort);
        resolve({ ...head, body: bytes });
      });
    });
    req.on('error', (e: NodeJS.ErrnoException) => {
      // Never resent here, not even on a kept-alive socket that looks stale: the server may have
      // taken the request (and billed it) before the connection broke. The caller's retry policy
      // decides, and counts the attempt.
      fail(signal?.aborted ? signal.reason : new TypeError('fetch failed', { cause: e }));
    });
    signal?.addEventListener('abort', onAbort, { once: true });
    // Strings are written as UTF-8 without an intermediate copy, pieces each as they are. The head
    // goes first on its own: node:http would otherwise prepend it to a first string chunk, copying the
    // whole body once more. Nothing is sent before the socket is assigned, so it is still one write.
    if (body === undefined) req.end();
    else if (body instanceof Uint8Array) req.end(body);
    else if (typeof body === 'string') {
      req.flushHeaders();
      req.end(body);
    } else {
      req.flushHeaders();
      for (let i = 0; i < body.length - 1; i++) req.write(body[i] as string);
      req.end(body[body.length - 1] ?? '');
    }
  });
}

/**
 * The request's options as node:http takes them without converting a URL, and its headers as a
 * flat [name, value, ...] list, which node:http writes as they are instead of storing one by one
 * (both were a large share of what a request allocated). Given a list, node:http adds no Host
 * header, so it is added here as it would add it: the URL's host, with the port unless it is the
 * default (URL.host already brackets an IPv6 address and drops a default port).
 */
function requestOptions(url: URL, method: string, headers: Record<string, string>, body: Body): http.RequestOptions {
  const list: string[] = [];
  for (const name in headers) {
    // The body's own length replaces any the caller gave.
    if (body !== undefined && name === 'content-length') continue;
    list.push(name, headers[name] as string);
  }
  if (body !== undefined) list.push('content-length', String(byteLength(body)));
  if (headers['accept-encoding'] === undefined) list.push('accept-encoding', 'gzip, deflate, br');
  if (headers.host === undefined) list.push('host', url.host);
  // Credentials in the URL become Basic authorization unless the caller sent its own, as node:http does.
  if ((url.username !== '' || url.password !== '') && headers.authorization === undefined) {
    const credentials = `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`;
    list.push('authorization', `Basic ${Buffer.from(credentials).toString('base64')}`);
  }
  const hostname = url.hostname;
  return {
    protocol: url.protocol,
    // URL keeps an IPv6 address in brackets; node:http wants it bare (as urlToHttpOptions gives it).
    hostname: hostname.startsWith('[') ? hostname.slice(1, -1) : hostname,
    port: url.port === '' ? undefined : Number(url.port),
    path: `${url.pathname}${url.search}`,
    method,
    headers: list,
    agent: agents[url.protocol as 'http:' | 'https:'],
  };
}

function byteLength(body: string | readonly string[] | Uint8Array): number {
  if (typeof body === 'string') return Buffer.byteLength(body);
  if (body instanceof Uint8Array) return body.byteLength;
  let n = 0;
  for (const piece of body) n += Buffer.byteLength(piece);
  return n;
}

function decodeBuffer(bytes: Buffer, encoding: string | undefined): Buffer {
  if (bytes.byteLength === 0) return bytes;
  switch (encoding?.trim().toLowerCase()) {
    case 'gzip':
    case 'x-gzip':
      return zlib.gunzipSync(bytes);
    case 'deflate':
      return zlib.inflateSync(bytes);
    case 'br':
      return zlib.brotliDecompressSync(bytes);
    default:
      return bytes;
  }
}

function decoded(res: http.IncomingMessage, encoding: string | undefined): Readable {
  switch (encoding?.trim().toLowerCase()) {
    case 'gzip':
    case 'x-gzip':
      return res.pipe(zlib.createGunzip());
    case 'deflate':
      return res.pipe(zlib.createInflate());
    case 'br':
      return res.pipe(zlib.createBrotliDecompress());
    default:
      return res;
  }
}
