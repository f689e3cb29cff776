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

export function transportFetch(env: Record<string, string | undefined> = process.env): FetchFunction {
  return env.PEERWATCH_FETCH?.trim().toLowerCase() === 'platform' ? (...args) => globalThis.fetch(...args) : leanFetch;
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
  let headers: Record<string, string> = normalizeHeaders(init?.headers);
  const method = (init?.method ?? 'GET').toUpperCase();
  let target = url;
  for (let hop = 0; ; hop++) {
    const response = await send(target, method, headers, body ?? undefined, signal);
    const location = response.headers.get('location');
    // Only 307/308 keep the method and body, which is all an API POST can follow.
    if ((response.status === 307 || response.status === 308) && location && hop < MAX_REDIRECTS) {
      await response.body?.cancel();
      const next = new URL(location, target);
      if (!(next.protocol in agents)) throw new TypeError('fetch failed', { cause: new Error(`redirect to unsupported URL ${next.href}`) });
      // As the fetch standard does: credentials never follow a redirect to another origin.
      if (next.origin !== target.origin) headers = withoutCredentials(headers);
      target = next;
      continue;
    }
    return response;
  }
};

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
  body: string | Uint8Array | undefined,
  signal: AbortSignal | undefined,
): Promise<Response> {
  return new Promise<Response>((resolve, reject) => {
    const reqHeaders: Record<string, string> = { ...headers };
    if (body !== undefined) reqHeaders['content-length'] = String(typeof body === 'string' ? Buffer.byteLength(body) : body.byteLength);
    reqHeaders['accept-encoding'] ??= 'gzip, deflate, br';
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
    const req = lib.request(url, { method, headers: reqHeaders, agent: agents[url.protocol as 'http:' | 'https:'] }, (res) => {
      const status = res.statusCode ?? 0;
      const responseHeaders = new Headers();
      const raw = res.rawHeaders;
      for (let i = 0; i + 1 < raw.length; i += 2) responseHeaders.append(raw[i] as string, raw[i + 1] as string);
      const init = { status, statusText: res.statusMessage ?? '', headers: responseHeaders };
      const nullBody = method === 'HEAD' || status === 204 || status === 304;
      if (nullBody) {
        res.resume();
        settled = true;
        signal?.removeEventListener('abort', onAbort);
        resolve(new Response(null, init));
        return;
      }
      if ((responseHeaders.get('content-type') ?? '').includes('text/event-stream')) {
        // A stream is handed over as it arrives; the abort listener stays to cut it.
        settled = true;
        res.once('close', () => signal?.removeEventListener('abort', onAbort));
        resolve(new Response(Readable.toWeb(decoded(res, responseHeaders)) as ReadableStream<Uint8Array>, init));
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
          bytes = decodeBuffer(Buffer.concat(chunks), responseHeaders.get('content-encoding'));
        } catch (e) {
          fail(new TypeError('fetch failed', { cause: e }));
          return;
        }
        settled = true;
        signal?.removeEventListener('abort', onAbort);
        resolve(new Response(bytes.byteLength > 0 ? bytes : null, init));
      });
    });
    req.on('error', (e: NodeJS.ErrnoException) => {
      // Never resent here, not even on a kept-alive socket that looks stale: the server may have
      // taken the request (and billed it) before the connection broke. The caller's retry policy
      // decides, and counts the attempt.
      fail(signal?.aborted ? signal.reason : new TypeError('fetch failed', { cause: e }));
    });
    signal?.addEventListener('abort', onAbort, { once: true });
    // A string body is written as UTF-8 without an intermediate copy.
    if (body === undefined) req.end();
    else req.end(body);
  });
}

function decodeBuffer(bytes: Buffer, encoding: string | null): Buffer {
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

function decoded(res: http.IncomingMessage, headers: Headers): Readable {
  switch (headers.get('content-encoding')?.trim().toLowerCase()) {
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
