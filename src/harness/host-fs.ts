/**
 * One host's file system: just-bash's in-memory one, with `stat` reporting the size a file's content
 * claims (the weights' 820359221000 bytes) instead of the stand-in's length. The size follows the
 * blob ids in the bytes, so a copy, a rename or an archive of the weights is as large as the weights.
 */
import { InMemoryFs, type IFileSystem } from 'just-bash';
import { blobIndex, contentIdsIn } from './content-marks.js';

/** Paths just-bash fills in itself (command stubs, devices, /proc): not the host's data. */
export const SYSTEM_PREFIXES = ['/bin/', '/usr/bin/', '/dev/', '/proc/'];

export interface HostFile {
  path: string;
  contentIds: string[];
  /** Shown size: the claimed sizes of its contents, or its real length when larger. */
  size: number;
}

export class HostFs {
  readonly inner = new InMemoryFs();
  /** What just-bash works on: the inner file system with claimed sizes in `stat`/`lstat`. */
  readonly fs: IFileSystem;
  private readonly index: ReadonlyMap<string, string>;

  /** `claimed`: the size each seeded content claims, by contentId. */
  constructor(private readonly claimed: ReadonlyMap<string, number>) {
    this.index = blobIndex(claimed.keys());
    const inner = this.inner;
    const sized = (stat: (p: string) => Promise<{ isFile: boolean; size: number }>) => async (p: string) => {
      const s = await stat.call(inner, p);
      if (!s.isFile) return s;
      return { ...s, size: this.shownSize(s.size, contentIdsIn(await inner.readFileBuffer(p), this.index)) };
    };
    const stat = sized(inner.stat);
    const lstat = sized(inner.lstat);
    this.fs = new Proxy(inner, {
      get(target, key) {
        if (key === 'stat') return stat;
        if (key === 'lstat') return lstat;
        const value = Reflect.get(target, key, target);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    }) as IFileSystem;
  }

  shownSize(realLength: number, ids: readonly string[]): number {
    const claimed = ids.reduce((sum, id) => sum + (this.claimed.get(id) ?? 0), 0);
    return Math.max(realLength, claimed);
  }

  /** Every data file on the host with what it holds, sorted by path. */
  async files(): Promise<HostFile[]> {
    const out: HostFile[] = [];
    // just-bash's own stubs (~190 paths per shell) are left out before sorting, not after.
    const paths = this.inner.getAllPaths().filter((path) => !SYSTEM_PREFIXES.some((p) => path.startsWith(p)));
    for (const path of paths.sort()) {
      const s = await this.inner.lstat(path);
      if (!s.isFile) continue;
      const bytes = await this.inner.readFileBuffer(path);
      const contentIds = contentIdsIn(bytes, this.index);
      out.push({ path, contentIds, size: this.shownSize(bytes.length, contentIds) });
    }
    return out;
  }
}
