import { Hono } from 'hono';
import type { Store } from '../../store/index.js';
import { createApi, type QueueProgressSource } from './api.js';
import { loadStaticFiles, type StaticFile } from './static.js';

export interface ViewerAppOptions {
  store: Store;
  /** Host names a request may name in its Host header (DNS-rebinding guard); undefined = any. */
  allowedHosts?: Set<string> | undefined;
  files?: Map<string, StaticFile>;
  /** Progress of queued runs (`view --queue`): the run list shows it for runs under way. */
  queueProgress?: QueueProgressSource | undefined;
}

// Model output is rendered as text; the policy is a second wall should that ever slip.
const CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** The whole viewer: the JSON API under /api, the static app everywhere else. */
export function createViewerApp(o: ViewerAppOptions): Hono {
  const files = o.files ?? loadStaticFiles();
  const app = new Hono();
  app.use('*', async (c, next) => {
    if (o.allowedHosts) {
      const host = hostnameOf(c.req.header('host') ?? new URL(c.req.url).host);
      if (!o.allowedHosts.has(host)) return c.json({ error: `host '${host}' is not served here` }, 403);
    }
    await next();
    c.header('Content-Security-Policy', CSP);
    c.header('X-Content-Type-Options', 'nosniff');
    c.header('Referrer-Policy', 'no-referrer');
    c.header('Cache-Control', 'no-store');
  });
  app.route('/api', createApi(o.store, { queueProgress: o.queueProgress }));
  app.get('*', (c) => {
    const file = files.get(new URL(c.req.url).pathname);
    if (!file) return c.json({ error: 'not found' }, 404);
    return c.body(file.body as Uint8Array<ArrayBuffer>, 200, { 'Content-Type': file.type });
  });
  app.all('*', (c) => c.json({ error: 'method not allowed' }, 405));
  return app;
}

/** `localhost:7575` -> `localhost`; `[::1]:7575` -> `[::1]`. */
function hostnameOf(hostHeader: string): string {
  const h = hostHeader.trim().toLowerCase();
  if (h.startsWith('[')) return h.slice(0, h.indexOf(']') + 1);
  const colon = h.lastIndexOf(':');
  return colon === -1 ? h : h.slice(0, colon);
}
