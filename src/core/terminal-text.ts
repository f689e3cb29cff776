/**
 * Agent and model text on its way to a human's terminal. A terminal obeys what it is sent: an escape
 * sequence can clear the screen, move the cursor or retitle the window, a carriage return can print
 * over a line, and bidi controls reorder what is read. Every such character is written visibly
 * escaped instead (`\x1b`, `\u202e`), and a single line past `maxLine` is clipped with a note.
 * Newlines and tabs stay: they only lay text out.
 */

/**
 * C0 controls but tab and newline, DEL, C1 controls, and the characters that change direction or
 * separate lines/paragraphs (U+061C, U+200E/F, U+2028/9, U+202A–E, U+2066–9).
 */
const UNSAFE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
const UNSAFE_TEST = new RegExp(UNSAFE.source);

/** Longest single line shown; a longer one is clipped (a 1 MB line is no use to read and stalls a terminal). */
export const MAX_TERMINAL_LINE = 2_000;

function escaped(c: string): string {
  const code = c.charCodeAt(0);
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

/** `text` safe to write to a terminal: controls escaped visibly, long lines clipped with a note. */
export function forTerminal(text: string, maxLine: number = MAX_TERMINAL_LINE): string {
  const safe = UNSAFE_TEST.test(text) ? text.replace(UNSAFE, escaped) : text;
  if (safe.length <= maxLine) return safe;
  const lines = safe.split('\n');
  let clipped = false;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    if (line.length > maxLine) {
      lines[i] = `${line.slice(0, maxLine)}… [line clipped: ${(line.length - maxLine).toLocaleString('en-US')} more characters]`;
      clipped = true;
    }
  }
  return clipped ? lines.join('\n') : safe;
}

/** What JSON.stringify leaves raw but a terminal acts on: C1 controls and the direction/separator characters. */
const UNSAFE_IN_JSON = /[\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/**
 * JSON text (from JSON.stringify, which already escapes C0 controls) with the rest written as
 * `\uXXXX` escapes: the same JSON value, and nothing in it a terminal obeys.
 */
export function jsonForTerminal(json: string): string {
  return json.replace(UNSAFE_IN_JSON, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
