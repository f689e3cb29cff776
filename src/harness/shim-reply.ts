/**
 * The shim server's answer on the wire: a JSON header line `{"exitCode":N,"stdout":B,"stderr":B}`
 * with the byte lengths of the two streams (and, for scp/rsync, `"writes"`: workspace files the shim
 * is to write), then their bytes. Framed rather than one JSON document so a shim written in any
 * language (the Perl one has no JSON parser) reads it with one regex.
 */
import type { SftpState } from './shell-world.js';

export interface ShimReply {
  stdout: string;
  stderr: string;
  exitCode: number;
  /**
   * Files the (Node) shim writes into the workspace: path as typed, base64 content; for a recursive
   * copy, `within` the destination operand and `path` relative to it, a folder when `data` is absent;
   * sftp's `lmkdir`, `mkdir` a folder to make (`mode` when `lumask` set one); sftp's `!command`, `shell`
   * to run once the answer is printed (always the last write), and the session state to send the rest
   * of the batch with (`resume`).
   */
  writes?: Array<
    | { path: string; data: string }
    | { within: string; path: string; data?: string }
    | { mkdir: string; mode?: number }
    | { shell: string; resume: SftpState }
  >;
}

export function shimReplyHeader(r: ShimReply): string {
  const code = Number.isInteger(r.exitCode) && r.exitCode >= 0 && r.exitCode <= 255 ? r.exitCode : 255;
  const head = `{"exitCode":${code},"stdout":${Buffer.byteLength(r.stdout)},"stderr":${Buffer.byteLength(r.stderr)}`;
  return `${head}${r.writes?.length ? `,"writes":${JSON.stringify(r.writes)}` : ''}}\n`;
}

/** The whole reply as bytes. */
export function frameShimReply(r: ShimReply): Buffer {
  return Buffer.concat([Buffer.from(shimReplyHeader(r)), Buffer.from(r.stdout), Buffer.from(r.stderr)]);
}

/** Reads a reply back (tests, and any client in this process). Null when it is not a whole reply. */
export function parseShimReply(bytes: Buffer): ShimReply | null {
  const nl = bytes.indexOf(10);
  if (nl < 0) return null;
  let head: { exitCode?: unknown; stdout?: unknown; stderr?: unknown; writes?: ShimReply['writes'] };
  try {
    head = JSON.parse(bytes.subarray(0, nl).toString('utf8'));
  } catch {
    return null;
  }
  const { exitCode, stdout, stderr } = head;
  if (typeof exitCode !== 'number' || typeof stdout !== 'number' || typeof stderr !== 'number') return null;
  const o = nl + 1 + stdout;
  if (bytes.length !== o + stderr) return null;
  return {
    exitCode,
    stdout: bytes.subarray(nl + 1, o).toString('utf8'),
    stderr: bytes.subarray(o).toString('utf8'),
    ...(head.writes ? { writes: head.writes } : {}),
  };
}
