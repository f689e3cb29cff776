import cliProgress from 'cli-progress';
import type { ModelProgress, Progress } from '../experiment/index.js';
import { formatCost } from './usage-output.js';

const PLAIN_EVERY_MS = 5000;
/** Bars are redrawn from `update` at most this often (the run may never yield to cli-progress's own timer). */
const REDRAW_EVERY_MS = 100;

/** Tokens as 12.3k / 4.5M, for a line that must stay short. */
function compact(n: number): string {
  if (n >= 1e6) return `${(n / 1e6).toFixed(1)}M`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(1)}k`;
  return String(n);
}

/** Remaining time from this process's own pace (rollouts skipped on resume do not count as speed). */
function etaOf(p: { done: number; skipped: number; total: number }, startedMs: number, nowMs: number): string {
  const ran = p.done - p.skipped;
  if (p.done >= p.total) return '0s';
  if (ran <= 0) return '?';
  const secs = ((nowMs - startedMs) / 1000 / ran) * (p.total - p.done);
  if (secs < 60) return `${secs.toFixed(0)}s`;
  if (secs < 3600) return `${(secs / 60).toFixed(1)}m`;
  return `${(secs / 3600).toFixed(1)}h`;
}

// `remaining`, not `eta`: cli-progress fills its own `{eta}` token (printing `NULL` before it has a rate).
function fields(m: ModelProgress | Progress, extra: { tokens: number; cost: string; eta: string }) {
  return {
    running: m.running,
    retrying: m.retrying,
    errors: m.errors,
    tokens: compact(extra.tokens),
    cost: extra.cost,
    remaining: extra.eta,
  };
}

function totals(p: Progress) {
  const ms = Object.values(p.perModel);
  const sum = (f: (m: ModelProgress) => number) => ms.reduce((n, m) => n + f(m), 0);
  return {
    tokens: sum((m) => m.inputTokens + m.outputTokens),
    cost: formatCost(
      sum((m) => m.costUsd),
      sum((m) => m.unpricedCalls),
    ),
  };
}

/** One plain line: done / running / failed / retrying, ETA, tokens and cost. */
export function progressLine(label: string, m: ModelProgress | Progress, tokens: number, cost: string, eta: string): string {
  return `[peerwatch] ${label}: ${m.done}/${m.total} done, ${m.running} running, ${m.errors} failed, ${m.retrying} retrying, ETA ${eta}, ${compact(tokens)} tokens, ${cost}`;
}

/**
 * Progress on stderr, per model: live bars on a terminal, plain lines every few seconds elsewhere
 * (CI, pipes), so stdout stays clean for the summary or `--json`.
 */
export function createProgressReporter(stream: NodeJS.WriteStream, quiet: boolean, clock: () => number = Date.now) {
  // A warning is a line of its own; on a terminal it goes above the live bars.
  const plainWarn = (line: string) => void stream.write(`${line}\n`);
  if (quiet) return { update: (_p: Progress) => {}, warn: plainWarn, stop: () => {} };
  const started = clock();
  const modelStarted = new Map<string, number>();

  if (stream.isTTY) {
    const multi = new cliProgress.MultiBar(
      {
        stream,
        // Short enough for 100 columns with a 24-character model id.
        format: '{label} {bar} {value}/{total} | ETA {remaining} | {running} run | {errors} failed | {tokens} tok | {cost}',
        hideCursor: true,
        clearOnComplete: false,
        barsize: 16,
        fps: 5,
      },
      cliProgress.Presets.shades_classic,
    );
    const bars = new Map<string, cliProgress.SingleBar>();
    const width = (p: Progress) => Math.max(5, ...Object.keys(p.perModel).map((k) => k.length));
    let drawn = 0;
    return {
      update(p: Progress) {
        const w = width(p);
        for (const [model, m] of Object.entries(p.perModel)) {
          if (!modelStarted.has(model)) modelStarted.set(model, clock());
          const extra = {
            tokens: m.inputTokens + m.outputTokens,
            cost: formatCost(m.costUsd, m.unpricedCalls),
            eta: etaOf(m, modelStarted.get(model) ?? started, clock()),
          };
          const payload = { label: model.padEnd(w), ...fields(m, extra) };
          const bar = bars.get(model);
          if (bar) bar.update(m.done, payload);
          else bars.set(model, multi.create(m.total, m.done, payload));
        }
        if (Object.keys(p.perModel).length > 1) {
          const t = totals(p);
          const payload = { label: 'all'.padEnd(w), ...fields(p, { ...t, eta: etaOf(p, started, clock()) }) };
          const bar = bars.get('\u0000all');
          if (bar) bar.update(p.done, payload);
          else bars.set('\u0000all', multi.create(p.total, p.done, payload));
        }
        // Scripted and cached rollouts finish without ever yielding to a timer, so cli-progress's own
        // redraw would first run at the end: draw from here, throttled.
        const now = clock();
        if (now - drawn >= REDRAW_EVERY_MS) {
          drawn = now;
          multi.update();
        }
      },
      warn: (line: string) => multi.log(`${line}\n`),
      stop: () => multi.stop(),
    };
  }

  let last = 0;
  let lastP: Progress | null = null;
  const lines = (p: Progress) => {
    const now = clock();
    const models = Object.entries(p.perModel);
    for (const [model, m] of models) {
      stream.write(
        `${progressLine(model, m, m.inputTokens + m.outputTokens, formatCost(m.costUsd, m.unpricedCalls), etaOf(m, started, now))}\n`,
      );
    }
    if (models.length > 1) {
      const t = totals(p);
      stream.write(`${progressLine('all', p, t.tokens, t.cost, etaOf(p, started, now))}\n`);
    }
  };
  return {
    update(p: Progress) {
      lastP = p;
      const t = clock();
      if (t - last >= PLAIN_EVERY_MS || p.done === p.total) {
        last = t;
        lines(p);
      }
    },
    warn: plainWarn,
    stop() {
      if (lastP && lastP.done !== lastP.total) lines(lastP);
    },
  };
}
