import { existsSync } from 'node:fs';
import { hostname } from 'node:os';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { UserError } from '../../core/index.js';
import { isPostgresUrl, openStore } from '../../store/index.js';
import { intOption, DB_HELP, defaultDb } from '../options.js';
import { bindsEveryInterface, openInBrowser, startViewer } from '../view/index.js';
import { readQueueProgress } from './queue.js';

export const DEFAULT_VIEW_PORT = 7575;

export function registerViewCommand(program: Command): void {
  program
    .command('view')
    .description('Start the local web viewer: runs, dashboards with rates and 95% CIs, transcripts with findings highlighted.')
    .option('--db <path>', DB_HELP, defaultDb())
    .option('--port <port>', `port to listen on (0 = any free port)`, intOption(0, 65535), DEFAULT_VIEW_PORT)
    .option('--host <host>', 'address to bind (the default serves this machine only)', '127.0.0.1')
    .option('--no-open', 'do not open a browser')
    .option('--queue <url>', 'also show the progress of queued runs (run --queue) per worker, from this Redis')
    .action(async (flags: { db: string; port: number; host: string; open: boolean; queue?: string }) => {
      // The viewer only reads: never create an empty store by mistyping a path.
      if (!isPostgresUrl(flags.db) && !existsSync(flags.db))
        throw new UserError(`--db ${flags.db}: no such store (${resolve(flags.db)}); create one with: peerwatch run`);
      const store = openStore(flags.db, { readOnly: true });
      let viewer: Awaited<ReturnType<typeof startViewer>>;
      try {
        const queueUrl = flags.queue;
        viewer = await startViewer({
          store,
          port: flags.port,
          host: flags.host,
          ...(queueUrl ? { queueProgress: (ids: string[]) => readQueueProgress(queueUrl, ids) } : {}),
        });
      } catch (e) {
        store.close();
        throw e;
      }
      // stdout carries the result (the URL, for scripts); notices go to stderr.
      process.stdout.write(`${viewer.url}\n`);
      process.stderr.write(`peerwatch view: serving ${resolve(flags.db)} read-only at ${viewer.url} (Ctrl-C to stop)\n`);
      if (bindsEveryInterface(flags.host)) {
        process.stderr.write(
          `peerwatch view: warning: --host ${flags.host || "''"} serves the store to every network this machine is on, without authentication; requests must still name this machine (localhost, its addresses or ${hostname()}) in their Host header\n`,
        );
      }
      if (flags.open) openInBrowser(viewer.url);
      await new Promise<void>((done) => {
        const stop = () => {
          process.off('SIGINT', stop);
          process.off('SIGTERM', stop);
          void viewer.close().then(() => {
            store.close();
            done();
          });
        };
        process.on('SIGINT', stop);
        process.on('SIGTERM', stop);
      });
    });
}
