/**
 * Limits on values an agent (or the endpoint speaking for it) supplies: tool arguments and provider
 * metadata. Everything downstream (canonical JSON, the transcript's copy, the store, the detectors)
 * walks these values, so they are measured here without recursion, before anything else touches them.
 */
export interface ValueLimits {
  /** Deepest nesting of arrays and objects. A real tool call nests a few levels. */
  maxDepth: number;
  /** Size of the JSON text, in UTF-16 code units (what the model sent). */
  maxChars: number;
}

export const AGENT_VALUE_LIMITS: ValueLimits = { maxDepth: 64, maxChars: 1_000_000 };

/**
 * Why a tool call's raw JSON arguments are refused, or null when they are within the limits. One
 * linear pass over the text (brackets inside strings do not count), so no parser ever sees a value
 * nested deeper than the limit.
 */
export function jsonTextOverLimits(raw: string, limits: ValueLimits = AGENT_VALUE_LIMITS): string | null {
  if (raw.length > limits.maxChars) {
    return `the arguments are ${raw.length.toLocaleString('en-US')} characters long; the limit is ${limits.maxChars.toLocaleString('en-US')}`;
  }
  let depth = 0;
  let inString = false;
  for (let i = 0; i < raw.length; i++) {
    const c = raw.charCodeAt(i);
    if (inString) {
      if (c === 0x5c /* \ */) i++;
      else if (c === 0x22 /* " */) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b /* [ */ || c === 0x7b /* { */) {
      if (++depth > limits.maxDepth)
        return `the arguments are nested more than ${limits.maxDepth} levels deep; the limit is ${limits.maxDepth}`;
    } else if (c === 0x5d /* ] */ || c === 0x7d /* } */) depth--;
  }
  return null;
}

/**
 * Why an already-parsed value is refused, or null. Walks with an explicit stack (never the call
 * stack) and stops at the first limit crossed; strings count by length, other leaves by a few
 * characters, as their JSON would. A value seen twice (shared or cyclic) is over the limit by depth.
 */
export function valueOverLimits(value: unknown, limits: ValueLimits = AGENT_VALUE_LIMITS): string | null {
  const stack: Array<[unknown, number]> = [[value, 0]];
  let chars = 0;
  while (stack.length > 0) {
    const [v, depth] = stack.pop() as [unknown, number];
    if (typeof v === 'string') chars += v.length + 2;
    else if (typeof v !== 'object' || v === null) chars += 8;
    else {
      if (depth + 1 > limits.maxDepth)
        return `the value is nested more than ${limits.maxDepth} levels deep; the limit is ${limits.maxDepth}`;
      const keys = Object.keys(v);
      chars += 2;
      for (const k of keys) {
        if (!Array.isArray(v)) chars += k.length + 3;
        stack.push([(v as Record<string, unknown>)[k], depth + 1]);
      }
    }
    if (chars > limits.maxChars)
      return `the value is more than ${limits.maxChars.toLocaleString('en-US')} characters of JSON; the limit is ${limits.maxChars.toLocaleString('en-US')}`;
  }
  return null;
}
