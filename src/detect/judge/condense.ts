import type { Event } from '../../core/index.js';

/** Enough for a long rollout's reports and messages while keeping a cheap judge call cheap. */
export const DEFAULT_CONDENSED_CHARS = 24_000;

export interface CondenseOptions {
  /** Upper bound on the returned text's length (the omission note included). */
  maxChars?: number;
}

/**
 * The judge's view of a rollout (docs/reference/detection.md#score-extraction): only what the agent said and the tools it
 * called with their arguments, in order. No system or user prompt, no tool outputs, no reasoning:
 * the judge must decide from the agent's own words and acts, as the study's judge did.
 * When too long, the end is kept (reports and final messages come last) and the text says so.
 */
export function condenseTranscript(events: readonly Event[], opts: CondenseOptions = {}): string {
  const maxChars = Math.max(200, opts.maxChars ?? DEFAULT_CONDENSED_CHARS);
  const lines: string[] = [];
  for (const e of events) {
    if (e.type === 'assistant' && e.text.trim()) lines.push(`[assistant, step ${e.turn}]\n${e.text.trim()}`);
    else if (e.type === 'tool_call') lines.push(`[tool call, step ${e.turn}] ${e.tool} ${argsText(e.args)}`);
  }
  const full = lines.length ? lines.join('\n\n') : '(the agent wrote no message and called no tool)';
  if (full.length <= maxChars) return full;
  return keepEnd(full, maxChars);
}

function argsText(args: unknown): string {
  if (args === undefined) return '{}';
  try {
    return JSON.stringify(args) ?? String(args);
  } catch {
    return String(args);
  }
}

function keepEnd(full: string, maxChars: number): string {
  const note = (n: number) => `[transcript shortened: the first ${n} characters are omitted; the end follows]\n\n`;
  // The note's length depends on the count; a generous estimate keeps the total within maxChars.
  let tail = full.slice(full.length - (maxChars - note(full.length).length));
  // Start at an entry boundary when one is near, so the first entry shown is whole.
  const boundary = tail.indexOf('\n\n[');
  if (boundary >= 0 && boundary < tail.length / 4) tail = tail.slice(boundary + 2);
  return note(full.length - tail.length) + tail;
}
