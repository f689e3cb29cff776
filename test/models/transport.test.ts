import assert from 'node:assert/strict';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import net from 'node:net';
import { after, test } from 'node:test';
import zlib from 'node:zlib';
import { leanFetch, postJson, transportFetch } from '../../src/models/transport.js';
import { TEST_TLS_CERT, TEST_TLS_KEY } from './helpers/test-tls.js';

type Handler = (req: http.IncomingMessage, body: string, res: http.ServerResponse) => void;

const servers: Array<http.Server | net.Server> = [];
const sockets = new Set<net.Socket>();
after(() => {
  for (const socket of sockets) socket.destroy();
  for (const s of servers) {
    if (s instanceof http.Server) s.closeAllConnections();
    s.close();
  }
});

async function serve(handler: Handler): Promise<string> {
  const server = http.createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => {
      body += c;
    });
    req.on('end', () => handler(req, body, res));
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

test('a JSON POST round-trips: method, headers, UTF-8 body, status, response headers', async () => {
  const url = await serve((req, body, res) => {
    res.writeHead(201, { 'content-type': 'application/json', 'x-request-id': 'abc' });
    res.end(
      JSON.stringify({
        method: req.method,
        auth: req.headers.authorization,
        length: req.headers['content-length'],
        body: JSON.parse(body),
      }),
    );
  });
  const res = await leanFetch(`${url}/v1/chat`, {
    method: 'POST',
    headers: { Authorization: 'Bearer k', 'Content-Type': 'application/json' },
    body: JSON.stringify({ text: 'héllo ✓' }),
  });
  assert.equal(res.status, 201);
  assert.equal(res.ok, true);
  assert.equal(res.headers.get('x-request-id'), 'abc');
  assert.deepEqual(await res.json(), {
    method: 'POST',
    auth: 'Bearer k',
    length: String(Buffer.byteLength(JSON.stringify({ text: 'héllo ✓' }))),
    body: { text: 'héllo ✓' },
  });
});

test('the request on the wire: path and query, Host, one content-length, default accept-encoding, URL credentials as Basic', async () => {
  const seen: Array<{ url: string | undefined; raw: string[] }> = [];
  const url = await serve((req, _body, res) => {
    seen.push({ url: req.url, raw: req.rawHeaders });
    res.end('{}');
  });
  const port = new URL(url).port;
  const lower = (raw: string[]) => raw.map((h, i) => (i % 2 === 0 ? h.toLowerCase() : h));
  const header = (raw: string[], name: string) => lower(raw).flatMap((h, i, all) => (i % 2 === 0 && h === name ? [all[i + 1]] : []));

  await postJson(new URL(`${url}/v1/chat/completions?x=1&y=%20`), { 'content-type': 'application/json', 'content-length': '999' }, [
    '{"a":',
    '1}',
  ]);
  await leanFetch(`${url.replace('http://', 'http://us%40er:p%3Ass@')}/v1/models`, { headers: { 'Accept-Encoding': 'identity' } });
  await leanFetch(`${url}/v1/models`, { headers: { Authorization: 'Bearer k' } });
  const [post, withCredentials, withKey] = seen;
  assert.equal(post?.url, '/v1/chat/completions?x=1&y=%20');
  assert.deepEqual(header(post?.raw ?? [], 'host'), [`127.0.0.1:${port}`]);
  assert.deepEqual(header(post?.raw ?? [], 'content-length'), ['7'], 'the body length, once');
  assert.deepEqual(header(post?.raw ?? [], 'accept-encoding'), ['gzip, deflate, br']);
  assert.deepEqual(header(post?.raw ?? [], 'connection'), ['keep-alive']);
  assert.deepEqual(header(withCredentials?.raw ?? [], 'accept-encoding'), ['identity'], "the caller's choice stands");
  assert.deepEqual(header(withCredentials?.raw ?? [], 'authorization'), [`Basic ${Buffer.from('us@er:p:ss').toString('base64')}`]);
  assert.deepEqual(header(withKey?.raw ?? [], 'authorization'), ['Bearer k']);
  assert.deepEqual(header(withKey?.raw ?? [], 'content-length'), [], 'no body, no length');
});

test('error statuses are answers, not failures; gzip bodies are decoded', async () => {
  const url = await serve((_req, _body, res) => {
    res.writeHead(429, { 'content-type': 'application/json', 'content-encoding': 'gzip', 'retry-after': '2' });
    res.end(zlib.gzipSync(JSON.stringify({ error: { message: 'slow down' } })));
  });
  const res = await leanFetch(url, { method: 'POST', body: '{}' });
  assert.equal(res.status, 429);
  assert.equal(res.headers.get('retry-after'), '2');
  assert.deepEqual(await res.json(), { error: { message: 'slow down' } });
});

test('an abort rejects with the signal reason, before or during the request', async () => {
  const url = await serve(() => {
    /* never answers */
  });
  const early = new AbortController();
  early.abort(new DOMException('stop', 'AbortError'));
  await assert.rejects(leanFetch(url, { signal: early.signal }), { name: 'AbortError' });
  await assert.rejects(leanFetch(url, { method: 'POST', body: '{}', signal: AbortSignal.timeout(50) }), { name: 'TimeoutError' });
});

test('network failures look like the platform fetch: TypeError("fetch failed") with the cause', async () => {
  const probe = net.createServer();
  await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
  const port = (probe.address() as AddressInfo).port;
  await new Promise<void>((r) => probe.close(() => r()));
  await assert.rejects(leanFetch(`http://127.0.0.1:${port}/`, { method: 'POST', body: '{}' }), (e: unknown) => {
    assert.ok(e instanceof TypeError);
    assert.equal(e.message, 'fetch failed');
    assert.equal((e.cause as NodeJS.ErrnoException).code, 'ECONNREFUSED');
    return true;
  });
});

test('a body cut short is a failure, never a truncated answer', async () => {
  const url = await serve((_req, _body, res) => {
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': '100' });
    res.write('{"choices": [');
    setTimeout(() => res.socket?.destroy(), 20);
  });
  await assert.rejects(
    leanFetch(url, { method: 'POST', body: '{}' }),
    (e: unknown) => e instanceof TypeError && e.message === 'fetch failed',
  );
});

test('server-sent events arrive as they are sent', async () => {
  let finish: () => void = () => {};
  const url = await serve((_req, _body, res) => {
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    res.write('data: one\n\n');
    finish = () => res.end('data: two\n\n');
  });
  const res = await leanFetch(url, { method: 'POST', body: '{}' });
  const reader = res.body?.getReader();
  assert.ok(reader);
  const first = await reader.read();
  assert.equal(Buffer.from(first.value ?? []).toString(), 'data: one\n\n');
  finish();
  let rest = '';
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    rest += Buffer.from(value).toString();
  }
  assert.equal(rest, 'data: two\n\n');
});

test('a connection reset after the request went out fails; it is never resent behind the caller', async () => {
  // Answers every request, except that a request with body `b` has its connection reset once it is read.
  const seen: string[] = [];
  const server = net.createServer((socket) => {
    sockets.add(socket);
    let buffered = '';
    socket.on('data', (d) => {
      buffered += d.toString();
      while (buffered.includes('\r\n\r\n')) {
        const end = buffered.indexOf('\r\n\r\n') + 4;
        const length = Number(/content-length: (\d+)/i.exec(buffered.slice(0, end))?.[1] ?? 0);
        if (buffered.length < end + length) return;
        const body = buffered.slice(end, end + length);
        buffered = buffered.slice(end + length);
        seen.push(body);
        if (body === 'b') {
          socket.resetAndDestroy();
          return;
        }
        socket.write('HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\ncontent-length: 2\r\nconnection: keep-alive\r\n\r\nok');
      }
    });
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  for (const fetcher of [leanFetch, (u: string, init: RequestInit) => postJson(new URL(u), {}, String(init.body))]) {
    seen.length = 0;
    assert.equal(await (await leanFetch(url, { method: 'POST', body: 'a' })).text(), 'ok');
    // The server took this request and then broke the connection: the caller's retry policy decides.
    await assert.rejects(
      fetcher(url, { method: 'POST', body: 'b' }),
      (e: unknown) => e instanceof TypeError && e.message === 'fetch failed' && e.cause instanceof Error,
    );
    assert.deepEqual(seen, ['a', 'b']);
    assert.equal(await (await leanFetch(url, { method: 'POST', body: 'c' })).text(), 'ok');
    assert.deepEqual(seen, ['a', 'b', 'c']);
  }
});

test('307/308 redirects are followed with method and body; PEERWATCH_FETCH=platform uses the platform fetch', async () => {
  const target = await serve((req, body, res) => res.end(`${req.method} ${req.url} ${body}`));
  const redirect = await serve((_req, _body, res) => {
    res.writeHead(307, { location: `${target}/moved` });
    res.end();
  });
  assert.equal(await (await leanFetch(redirect, { method: 'POST', body: 'payload' })).text(), 'POST /moved payload');
  // Another origin never receives the caller's credentials.
  const seenAuth: Array<string | undefined> = [];
  const other = await serve((req, _body, res) => {
    seenAuth.push(req.headers.authorization);
    res.end('moved');
  });
  const away = await serve((req, _body, res) => {
    seenAuth.push(req.headers.authorization);
    res.writeHead(308, { location: `${other}/x` });
    res.end();
  });
  assert.equal(await (await leanFetch(away, { method: 'POST', body: 'p', headers: { Authorization: 'Bearer secret' } })).text(), 'moved');
  assert.deepEqual(seenAuth, ['Bearer secret', undefined]);

  const original = globalThis.fetch;
  let platformCalls = 0;
  globalThis.fetch = ((...args: Parameters<typeof fetch>) => {
    platformCalls++;
    return original(...args);
  }) as typeof fetch;
  try {
    await (await transportFetch({ PEERWATCH_FETCH: 'platform' })(target, { method: 'POST', body: 'x' })).text();
    assert.equal(platformCalls, 1);
    await (await transportFetch({})(target, { method: 'POST', body: 'x' })).text();
    assert.equal(platformCalls, 1);
  } finally {
    globalThis.fetch = original;
  }
});

test('https goes through TLS with certificate checks on: an untrusted server is refused', async () => {
  let served = 0;
  const server = https.createServer({ key: TEST_TLS_KEY, cert: TEST_TLS_CERT }, (_req, res) => {
    served++;
    res.end('secret');
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `https://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  await assert.rejects(leanFetch(url, { method: 'POST', body: '{}' }), (e: unknown) => {
    assert.ok(e instanceof TypeError);
    assert.equal((e.cause as NodeJS.ErrnoException).code, 'DEPTH_ZERO_SELF_SIGNED_CERT');
    return true;
  });
  assert.equal(served, 0);
});
