import cliProgress from 'cli-progress';
import type { Progress } from '../experiment/index.js';

/**
 * Progress on stderr: a live bar on a terminal, a plain line every few seconds elsewhere (CI, pipes),
 * so stdout stays clean for the summary or `--json`.
 */
export function createProgressReporter(stream: NodeJS.WriteStream, quiet: boolean) {
  if (quiet) return { update: (_p: Progress) => {}, stop: () => {} };
  const started = Date.now();
  const eta = (p: Progress) => {
    const ran = p.done - p.skipped;
    if (ran <= 0) return '?';
    const secs = ((Date.now() - started) / 1000 / ran) * (p.total - p.done);
    return secs < 60 ? `${secs.toFixed(0)}s` : `${(secs / 60).toFixed(1)}m`;
  };
  if (stream.isTTY) {
    const bar = new cliProgress.SingleBar(
      { stream, format: 'rollouts {bar} {value}/{total} | running {running} | errors {errors} | ETA {etaText}', hideCursor: true },
      cliProgress.Presets.shades_classic,
    );
    let startedBar = false;
    return {
      update(p: Progress) {
        if (!startedBar) {
          bar.start(p.total, p.done, { running: p.running, errors: p.errors, etaText: '?' });
          startedBar = true;
        }
        bar.update(p.done, { running: p.running, errors: p.errors, etaText: eta(p) });
      },
      stop: () => startedBar && bar.stop(),
    };
  }
  let last = 0;
  let lastP: Progress | null = null;
  const line = (p: Progress) =>
    stream.write(`[peerwatch] ${p.done}/${p.total} rollouts done, ${p.running} running, ${p.errors} errors, ETA ${eta(p)}\n`);
  return {
    update(p: Progress) {
      lastP = p;
      const t = Date.now();
      if (t - last >= 5000 || p.done === p.total) {
        last = t;
        line(p);
      }
    },
    stop() {
      if (lastP && lastP.done !== lastP.total) line(lastP);
    },
  };
}
