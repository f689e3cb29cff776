import { MessageChannel, type MessagePort, receiveMessageOnPort, Worker } from 'node:worker_threads';
import type { PgError, PgReply, PgRequest, Statement, WriteGroup, WriteResult } from './protocol.js';

/**
 * A blocking PostgreSQL client. The `Store` contract is synchronous (better-sqlite3 is), and every part
 * (sweep, report, viewer, monitor, import) is written against it; `pg` is asynchronous. So the
 * connection lives on a worker thread (worker.ts) and this thread waits for each reply with
 * `Atomics.wait`, the way synchronous wrappers over async APIs do in Node. A call costs one round trip
 * to the server plus ~0.05 ms of thread hand-off; the sweep batches its saves, so that is paid once per
 * batch, not per rollout.
 */
export class SyncPgClient {
  private readonly worker: Worker;
  private readonly port: MessagePort;
  private readonly signal: Int32Array;
  private closed = false;

  constructor(private readonly timeoutMs = 120_000) {
    const flag = new SharedArrayBuffer(4);
    this.signal = new Int32Array(flag);
    const { port1, port2 } = new MessageChannel();
    this.port = port1;
    const options = { workerData: { port: port2, flag }, transferList: [port2] };
    if (import.meta.url.endsWith('.ts')) {
      // Run from the sources through tsx (tests, `node --import tsx`): a worker does not inherit the
      // loader, so it loads worker.ts through tsx's API.
      const file = new URL('./worker.ts', import.meta.url).href;
      const api = import.meta.resolve('tsx/esm/api');
      const boot = `import(${JSON.stringify(api)}).then(({ tsImport }) => tsImport(${JSON.stringify(file)}, ${JSON.stringify(file)}))`;
      this.worker = new Worker(boot, { ...options, eval: true });
    } else this.worker = new Worker(new URL('./worker.js', import.meta.url), options);
    // The thread must not keep the process alive after the last store is forgotten.
    this.worker.unref();
  }

  open(url: string, readOnly: boolean): number {
    return this.call({ op: 'open', url, readOnly }) as number;
  }

  query<T>(sql: string, params?: unknown[]): T[] {
    return this.call({ op: 'query', sql, params }) as T[];
  }

  /** Several reads in one snapshot. */
  read(queries: Statement[]): unknown[][] {
    return this.call({ op: 'read', queries }) as unknown[][];
  }

  write(groups: WriteGroup[]): WriteResult[] {
    return this.call({ op: 'write', groups }) as WriteResult[];
  }

  close(): void {
    if (this.closed) return;
    try {
      this.call({ op: 'close' });
    } finally {
      this.closed = true;
      void this.worker.terminate();
    }
  }

  private call(req: PgRequest): unknown {
    if (this.closed) throw new Error('the PostgreSQL store is closed');
    Atomics.store(this.signal, 0, 0);
    this.port.postMessage(req);
    const deadline = Date.now() + this.timeoutMs;
    for (;;) {
      const left = deadline - Date.now();
      if (left <= 0 || Atomics.wait(this.signal, 0, 0, left) === 'timed-out') {
        this.closed = true;
        void this.worker.terminate();
        throw new PgCallError({
          message: `no reply from the PostgreSQL thread in ${this.timeoutMs / 1000} s (${req.op})`,
          code: 'ETIMEDOUT',
          constraint: null,
          refusal: false,
        });
      }
      const msg = receiveMessageOnPort(this.port);
      if (msg === undefined) continue;
      const reply = msg.message as PgReply;
      if (reply.ok) return reply.value;
      throw new PgCallError(reply.error);
    }
  }
}

export class PgCallError extends Error {
  constructor(readonly detail: PgError) {
    super(detail.message);
  }
}
