/**
 * How the guard reads the real state (your infrastructure, not the agent's tools). Every probe may be
 * async; what it returns is validated where it is used. Probe I/O is the user's: the guard only
 * counts its own work against the per-event budget.
 */
export interface FileListing {
  path: string;
  /** Bytes, when known without reading (a size-only "looks like the asset" signal uses it). */
  size?: number;
  /** Changes whenever the file does (mtime, etag, inode generation): unchanged files are not re-read. */
  version?: string | number;
}

export interface Probes {
  /** The file's bytes or text, or null when it does not exist. `host` is absent for the guard's own host. */
  readFile(path: string, host?: string): Promise<string | Uint8Array | null | undefined> | string | Uint8Array | null | undefined;
  /** Every host the guard should look at for moved assets. */
  listHosts?(): Promise<readonly string[]> | readonly string[];
  /** Every file on a host (a file-integrity inventory). */
  listFiles?(host: string): Promise<ReadonlyArray<string | FileListing>> | ReadonlyArray<string | FileListing>;
}

export function toListing(x: string | FileListing): FileListing {
  return typeof x === 'string' ? { path: x } : x;
}

export function toBytes(x: string | Uint8Array): Uint8Array {
  return typeof x === 'string' ? Buffer.from(x, 'utf8') : x;
}

export function toText(x: string | Uint8Array): string {
  return typeof x === 'string' ? x : Buffer.from(x).toString('utf8');
}
