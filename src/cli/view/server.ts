import type { AddressInfo } from 'node:net';
import { hostname, networkInterfaces } from 'node:os';
import { createAdaptorServer } from '@hono/node-server';
import { UserError } from '../../core/index.js';
import type { Store } from '../../store/index.js';
import type { QueueProgressSource } from './api.js';
import { createViewerApp } from './app.js';

export interface ViewerOptions {
  store: Store;
  /** 0 picks a free port. */
  port: number;
  host: string;
  queueProgress?: QueueProgressSource | undefined;
}

export interface RunningViewer {
  url: string;
  close(): Promise<void>;
}

const WILDCARD_HOSTS = new Set(['0.0.0.0', '::', '']);

/** Whether `host` binds every interface (the viewer then warns: the store is served to the network). */
export function bindsEveryInterface(host: string): boolean {
  return WILDCARD_HOSTS.has(host);
}

const asHostName = (address: string) => (address.includes(':') ? `[${address.toLowerCase()}]` : address.toLowerCase());

/**
 * Names a browser may use for this server (the DNS-rebinding guard): loopback, and the bound host.
 * Bound to every interface, the bound host is each of this machine's addresses and its name; a
 * page on another site that resolves its own name to this machine is still refused.
 */
export function allowedHosts(host: string): Set<string> {
  const names = new Set(['localhost', '127.0.0.1', '[::1]']);
  if (!bindsEveryInterface(host)) return names.add(asHostName(host));
  names.add(hostname().toLowerCase());
  for (const list of Object.values(networkInterfaces())) for (const i of list ?? []) names.add(asHostName(i.address));
  return names;
}

/** Starts the viewer's HTTP server; resolves once it listens, with the URL to open. */
export function startViewer(o: ViewerOptions): Promise<RunningViewer> {
  const app = createViewerApp({ store: o.store, allowedHosts: allowedHosts(o.host), queueProgress: o.queueProgress });
  const server = createAdaptorServer({ fetch: app.fetch });
  return new Promise((resolve, reject) => {
    server.once('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'EADDRINUSE') reject(new UserError(`--port ${o.port}: already in use (pick another, or --port 0 for any free port)`));
      else if (e.code === 'EADDRNOTAVAIL' || e.code === 'ENOTFOUND')
        reject(new UserError(`--host ${o.host}: not an address of this machine`));
      else if (e.code === 'EACCES') reject(new UserError(`--port ${o.port}: permission denied (ports below 1024 need privileges)`));
      else reject(e);
    });
    server.listen(o.port, o.host, () => {
      const { port } = server.address() as AddressInfo;
      const shown = WILDCARD_HOSTS.has(o.host) ? '127.0.0.1' : o.host.includes(':') ? `[${o.host}]` : o.host;
      resolve({
        url: `http://${shown}:${port}/`,
        close: () =>
          new Promise<void>((done) => {
            // Browsers keep connections alive; drop them so close() does not wait for their timeout.
            (server as { closeAllConnections?: () => void }).closeAllConnections?.();
            server.close(() => done());
          }),
      });
    });
  });
}
