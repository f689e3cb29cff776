/**
 * The shim server's answer on the wire: a JSON header line `{"exitCode":N,"stdout":B,"stderr":B}`
 * with the byte lengths of the two streams, then their bytes. Framed rather than one JSON document
 * so a shim written in any language (the Perl one has no JSON parser) reads it with one regex.
 */
export interface ShimReply {
  stdout: string;
  stderr: string;
  exitCode: number;
}

export function shimReplyHeader(r: ShimReply): string {
  const code = Number.isInteger(r.exitCode) && r.exitCode >= 0 && r.exitCode <= 255 ? r.exitCode : 255;
  return `{"exitCode":${code},"stdout":${Buffer.byteLength(r.stdout)},"stderr":${Buffer.byteLength(r.stderr)}}\n`;
}

/** The whole reply as bytes. */
export function frameShimReply(r: ShimReply): Buffer {
  return Buffer.concat([Buffer.from(shimReplyHeader(r)), Buffer.from(r.stdout), Buffer.from(r.stderr)]);
}

/** Reads a reply back (tests, and any client in this process). Null when it is not a whole reply. */
export function parseShimReply(bytes: Buffer): ShimReply | null {
  const nl = bytes.indexOf(10);
  if (nl < 0) return null;
  const m = /^\{"exitCode":(\d+),"stdout":(\d+),"stderr":(\d+)\}$/.exec(bytes.subarray(0, nl).toString('latin1'));
  if (!m) return null;
  const o = nl + 1 + Number(m[2]);
  if (bytes.length !== o + Number(m[3])) return null;
  return { exitCode: Number(m[1]), stdout: bytes.subarray(nl + 1, o).toString('utf8'), stderr: bytes.subarray(o).toString('utf8') };
}
