import { open, readFile, stat } from 'node:fs/promises';
import { UserError } from '../core/index.js';
import { MonitorEvent } from './event.js';

function parseLine(line: string, where: string): MonitorEvent {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    throw new UserError(`${where}: not valid JSON`);
  }
  const parsed = MonitorEvent.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new UserError(`${where}: ${issue?.path.join('.') || '(root)'}: ${issue?.message ?? 'invalid monitor event'}`);
  }
  return parsed.data;
}

/** Monitor events from JSON Lines text (one event per line, blank lines skipped); errors name file:line. */
export function parseMonitorJsonl(text: string, source = 'events.jsonl'): MonitorEvent[] {
  const out: MonitorEvent[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line) out.push(parseLine(line, `${source}:${i + 1}`));
  }
  return out;
}

export async function readMonitorJsonl(file: string): Promise<MonitorEvent[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    throw new UserError(`${file}: cannot read (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  return parseMonitorJsonl(text, file);
}

export interface FollowOptions {
  signal?: AbortSignal;
  /** How often to look for new bytes, ms (default 200). */
  pollMs?: number;
}

/**
 * Tails a growing JSON Lines file: every complete line already there and every line appended later
 * goes to `onEvent`, in order, until `signal` aborts. A partial last line waits for its newline.
 */
export async function followMonitorJsonl(file: string, onEvent: (e: MonitorEvent) => void, opts: FollowOptions = {}): Promise<void> {
  const pollMs = opts.pollMs ?? 200;
  let offset = 0;
  let lineNo = 0;
  let carry = '';
  const decoder = new TextDecoder();
  const readNew = async () => {
    let size: number;
    try {
      size = (await stat(file)).size;
    } catch (e) {
      throw new UserError(`${file}: cannot read (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
    }
    if (size < offset) throw new UserError(`${file}: the file shrank while being followed`);
    if (size === offset) return;
    const fh = await open(file, 'r');
    try {
      const buf = Buffer.alloc(size - offset);
      const { bytesRead } = await fh.read(buf, 0, buf.length, offset);
      offset += bytesRead;
      carry += decoder.decode(buf.subarray(0, bytesRead), { stream: true });
    } finally {
      await fh.close();
    }
    const lines = carry.split('\n');
    carry = lines.pop() ?? '';
    for (const raw of lines) {
      lineNo++;
      const line = raw.trim();
      if (line) onEvent(parseLine(line, `${file}:${lineNo}`));
    }
  };
  while (!opts.signal?.aborted) {
    await readNew();
    await new Promise<void>((done) => {
      const timer = setTimeout(done, pollMs);
      opts.signal?.addEventListener(
        'abort',
        () => {
          clearTimeout(timer);
          done();
        },
        { once: true },
      );
    });
  }
}
