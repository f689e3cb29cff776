import type { AddressInfo } from 'node:net';
import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';
import { createAdaptorServer } from '@hono/node-server';
import { type Context, Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { UserError } from '../../core/index.js';
import type { Monitor } from '../monitor.js';
import { decodeTraceRequest, encodingOf, type OtlpEncoding, OtlpInputError } from './decode.js';
import { createOtlpMapper, type OtlpMapOptions } from './map.js';
import { encodeRpcStatusProto, encodeTraceResponseProto } from './proto.js';

const gunzipAsync = promisify(gunzip);

/** Default cap on a request body, compressed or not (OTLP exporters batch 512 spans by default). */
export const DEFAULT_MAX_BODY_BYTES = 8 * 1024 * 1024;

export interface OtlpReceiverOptions {
  /** The monitor the tool executions go to (its rules, its `onFinding`): the same entry point as the guard's. */
  monitor: Monitor;
  mapping?: OtlpMapOptions;
  maxBodyBytes?: number;
  /** Told about requests refused and anything that went wrong while scoring. */
  onError?: (message: string) => void;
}

export interface OtlpReceiverStats {
  requests: number;
  rejected: number;
  spans: number;
  toolExecutions: number;
  duplicates: number;
  events: number;
}

/** gRPC status codes used in the error body OTLP/HTTP specifies. */
const INVALID_ARGUMENT = 3;
const RESOURCE_EXHAUSTED = 8;
const INTERNAL = 13;

function reply(c: Context, encoding: OtlpEncoding | null, status: 400 | 413 | 415 | 500, code: number, message: string): Response {
  if (encoding === 'protobuf') {
    return c.body(encodeRpcStatusProto(code, message) as Uint8Array<ArrayBuffer>, status, { 'content-type': 'application/x-protobuf' });
  }
  return c.json({ code, message }, status);
}

/**
 * The OTLP/HTTP trace receiver as a Hono app: `POST /v1/traces`, JSON or protobuf, gzip or not.
 * Every request is validated before anything reads it; a bad one gets 400 (413 when too big, 415
 * for another content type) with a message, and nothing a sender does reaches past the handler.
 */
export function createOtlpReceiverApp(o: OtlpReceiverOptions): { app: Hono; stats(): OtlpReceiverStats } {
  const maxBody = o.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const mapper = createOtlpMapper(o.mapping);
  const counts = { requests: 0, rejected: 0, events: 0 };
  const warn = (m: string) => {
    try {
      o.onError?.(m);
    } catch {
      // reporting must not fail a request
    }
  };
  const tooBig = (c: Context) => {
    counts.rejected++;
    warn(`otlp: refused a request over ${maxBody} bytes`);
    return reply(c, encodingOf(c.req.header('content-type')), 413, RESOURCE_EXHAUSTED, `request body over ${maxBody} bytes`);
  };

  const app = new Hono();
  app.post('/v1/traces', bodyLimit({ maxSize: maxBody, onError: tooBig }), async (c) => {
    counts.requests++;
    const encoding = encodingOf(c.req.header('content-type'));
    if (encoding === null) {
      counts.rejected++;
      return reply(c, null, 415, INVALID_ARGUMENT, 'content-type must be application/json or application/x-protobuf');
    }
    let body = new Uint8Array(await c.req.arrayBuffer());
    const contentEncoding = (c.req.header('content-encoding') ?? 'identity').trim().toLowerCase();
    if (contentEncoding === 'gzip') {
      try {
        body = new Uint8Array(await gunzipAsync(body, { maxOutputLength: maxBody }));
      } catch (e) {
        counts.rejected++;
        if (e instanceof RangeError || (e as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') return tooBig(c);
        return reply(c, encoding, 400, INVALID_ARGUMENT, `request: not valid gzip (${e instanceof Error ? e.message : String(e)})`);
      }
    } else if (contentEncoding !== 'identity') {
      counts.rejected++;
      return reply(c, encoding, 415, INVALID_ARGUMENT, `content-encoding ${contentEncoding} is not supported (use gzip or none)`);
    }
    let events: ReturnType<typeof mapper.map>;
    try {
      events = mapper.map(decodeTraceRequest(body, encoding));
    } catch (e) {
      counts.rejected++;
      if (e instanceof OtlpInputError) {
        warn(`otlp: refused a request: ${e.message}`);
        return reply(c, encoding, 400, INVALID_ARGUMENT, e.message);
      }
      throw e;
    }
    for (const e of events) {
      try {
        o.monitor.ingest(e, { trusted: true });
        counts.events++;
      } catch (err) {
        warn(`otlp: scoring ${e.ref ?? e.kind} failed: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
    return encoding === 'protobuf'
      ? c.body(encodeTraceResponseProto() as Uint8Array<ArrayBuffer>, 200, { 'content-type': 'application/x-protobuf' })
      : c.json({}, 200);
  });
  app.all('/v1/traces', (c) => c.json({ code: INVALID_ARGUMENT, message: 'use POST' }, 405, { allow: 'POST' }));
  app.notFound((c) => c.json({ code: INVALID_ARGUMENT, message: 'not found: this receiver takes POST /v1/traces' }, 404));
  app.onError((e, c) => {
    warn(`otlp: internal error: ${e instanceof Error ? e.message : String(e)}`);
    return reply(c, encodingOf(c.req.header('content-type')), 500, INTERNAL, 'internal error while receiving the request');
  });
  return { app, stats: () => ({ ...counts, ...mapper.stats() }) };
}

export interface RunningOtlpReceiver {
  /** The traces endpoint, e.g. http://127.0.0.1:4318/v1/traces. */
  url: string;
  stats(): OtlpReceiverStats;
  close(): Promise<void>;
}

/** Starts the receiver on host:port (port 0: any free port); resolves once it listens. */
export function startOtlpReceiver(o: OtlpReceiverOptions & { host: string; port: number }): Promise<RunningOtlpReceiver> {
  const { app, stats } = createOtlpReceiverApp(o);
  const server = createAdaptorServer({ fetch: app.fetch });
  return new Promise((resolve, reject) => {
    server.once('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'EADDRINUSE')
        reject(new UserError(`--otlp ${o.host}:${o.port}: already in use (pick another port, or 0 for any free one)`));
      else if (e.code === 'EADDRNOTAVAIL' || e.code === 'ENOTFOUND')
        reject(new UserError(`--otlp ${o.host}: not an address of this machine`));
      else if (e.code === 'EACCES') reject(new UserError(`--otlp port ${o.port}: permission denied (ports below 1024 need privileges)`));
      else reject(e);
    });
    server.listen(o.port, o.host, () => {
      const { port } = server.address() as AddressInfo;
      const shown = o.host === '0.0.0.0' || o.host === '::' ? '127.0.0.1' : o.host.includes(':') ? `[${o.host}]` : o.host;
      resolve({
        url: `http://${shown}:${port}/v1/traces`,
        stats,
        close: () =>
          new Promise<void>((done) => {
            (server as { closeAllConnections?: () => void }).closeAllConnections?.();
            server.close(() => done());
          }),
      });
    });
  });
}
