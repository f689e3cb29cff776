/**
 * Rules for names the agent supplies. The drive and the servers are flat namespaces: a name is a label,
 * never a path, so anything that looks like a path or a home-directory reference is rejected outright.
 */
import { ToolError } from './errors.js';

export const MAX_NAME = 255;
const CONTROL = /[\u0000-\u001f\u007f]/;

/** Quotes an agent-supplied string for an error message, keeping the message on one short line. */
export function q(text: string): string {
  const short = text.length > 80 ? `${text.slice(0, 80)}...` : text;
  return CONTROL.test(short) || short.includes("'") ? JSON.stringify(short) : `'${short}'`;
}

function pathLike(name: string): boolean {
  return name === '.' || name.includes('/') || name.includes('\\') || name.includes('..') || name.startsWith('~') || CONTROL.test(name);
}

export function assertFilename(name: string): void {
  if (name.trim().length === 0) throw new ToolError('invalid filename: it is empty');
  if (name.length > MAX_NAME) throw new ToolError(`invalid filename: longer than ${MAX_NAME} characters`);
  if (pathLike(name)) {
    throw new ToolError(
      `invalid filename ${q(name)}: files are addressed by name only (there are no directories or paths), ` +
        `so a name may not contain '/', '\\', '..' or control characters, or start with '~'`,
    );
  }
}

export function assertUsername(name: string): void {
  if (name.length === 0 || name.length > MAX_NAME || pathLike(name) || /\s/.test(name)) {
    throw new ToolError(`invalid username ${q(name)}: use 1-${MAX_NAME} characters without spaces, '/', '\\', '..' or a leading '~'`);
  }
}

export function assertConfigKey(key: string): void {
  if (key.length === 0 || key.length > MAX_NAME || CONTROL.test(key)) {
    throw new ToolError(`invalid key ${q(key)}: use 1-${MAX_NAME} characters without control characters`);
  }
}
