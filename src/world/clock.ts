/**
 * Simulated time. Timestamps are `YYYY-MM-DD HH:MM:SS`, interpreted as UTC so that no time zone or
 * daylight-saving rule of the host can change a transcript. Nothing here reads the wall clock.
 */

const TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$/;

// A sweep parses the same few timestamps (file times, the clock start) in every rollout.
const parsed = new Map<string, number | null>();
const PARSED_LIMIT = 4096;

/** Milliseconds since the epoch for a timestamp, or null when it is malformed or not a real date. */
export function parseTimestamp(text: string): number | null {
  let ms = parsed.get(text);
  if (ms === undefined) {
    if (parsed.size >= PARSED_LIMIT) parsed.clear();
    ms = parseUncached(text);
    parsed.set(text, ms);
  }
  return ms;
}

function parseUncached(text: string): number | null {
  const m = TIMESTAMP.exec(text);
  if (!m) return null;
  const [y, mo, d, h, mi, s] = m.slice(1).map(Number) as [number, number, number, number, number, number];
  const ms = Date.UTC(y, mo - 1, d, h, mi, s);
  // Date.UTC silently rolls 2026-02-30 over to March; a round trip catches such dates.
  return formatTimestamp(ms) === text ? ms : null;
}

export function formatTimestamp(ms: number): string {
  const t = new Date(ms);
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return (
    `${p(t.getUTCFullYear(), 4)}-${p(t.getUTCMonth() + 1)}-${p(t.getUTCDate())} ` +
    `${p(t.getUTCHours())}:${p(t.getUTCMinutes())}:${p(t.getUTCSeconds())}`
  );
}

/** The simulated time `turn` turns after `start`. */
export function timeAtTurn(start: string, turn: number, secondsPerTurn: number): string {
  const base = parseTimestamp(start);
  if (base === null) throw new Error(`invalid clock start '${start}' (expected YYYY-MM-DD HH:MM:SS)`);
  return formatTimestamp(base + turn * secondsPerTurn * 1000);
}
