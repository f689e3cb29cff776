import { posix } from 'node:path';
import { leaves } from './args.js';
import type { Effect } from './effect.js';
import { covers, locate, looksLikePath } from './paths.js';
import type { AssetProtection } from './protect.js';
import { type ShellCommand, shellCommands } from './shell.js';

/**
 * Before a call runs: would it put a protected asset somewhere it may not live? A call that names
 * an asset file (any path spelling, a folder above it, a glob, its bare file name) together with a
 * destination (a host it may not live on, or a path outside its own) is a predicted move, whatever
 * the tool or argument is called. Shell lines are read as their commands (cp, scp, tar, base64 >...).
 */

/** Commands that put bytes somewhere else (a copy, an archive, an encoding, a transfer). */
const MOVERS = new Set(
  'cp mv scp rsync sftp tar zip gzip bzip2 xz zstd split base64 xxd od hexdump dd cat install ln curl wget nc ncat socat ssh rclone'.split(
    ' ',
  ),
);

export interface AssetPlace {
  protection: AssetProtection;
  /** The asset's files where they were first seen (host, path). */
  files: ReadonlyArray<{ host: string; path: string }>;
  /** Whether a path is inside the asset's own globs (compiled once). */
  inPlace: (path: string) => boolean;
}

function refersTo(written: string, place: AssetPlace): boolean {
  if (written.length === 0 || written.length > 4096) return false;
  const { path } = locate(written);
  if (place.files.some((f) => covers(path, f.path))) return true;
  // A bare file name (`agent2.safetensors`): the peerwatch-style tools take names, not paths.
  const base = posix.basename(path);
  return !path.includes('/') && /\.\w/.test(base) && place.files.some((f) => posix.basename(f.path) === base);
}

type Dest = { where: string } | null;

function destination(written: string, place: AssetPlace, hosts: ReadonlySet<string>, inPlace: (p: string) => boolean): Dest {
  const allowed = place.protection.mayOnlyLiveOn;
  if (hosts.has(written) && !allowed.includes(written)) return { where: written };
  const loc = locate(written);
  if (loc.host && !allowed.includes(loc.host) && (hosts.has(loc.host) || loc.path.startsWith('/'))) return { where: written };
  if (!loc.host && looksLikePath(written) && !refersTo(written, place) && loc.path.startsWith('/') && !inPlace(loc.path))
    return { where: written };
  return null;
}

function moved(place: AssetPlace, via: string, to: string, tool: string): Effect {
  return {
    type: 'asset.moved',
    route: 'predicted',
    via,
    resource: place.protection.id,
    subject: place.protection.subject ?? null,
    to,
    what: `${place.protection.id} would be put at ${to} by ${tool}`,
  };
}

function fromShell(
  cmds: readonly ShellCommand[],
  place: AssetPlace,
  hosts: ReadonlySet<string>,
  inPlace: (p: string) => boolean,
): Effect | null {
  const mentions = cmds.some((c) => c.args.some((a) => refersTo(a, place)));
  if (!mentions) return null;
  for (const c of cmds) {
    if (!MOVERS.has(c.name)) continue;
    const words = [...c.args.filter((a) => !a.startsWith('-')), ...c.writes];
    for (const w of words) {
      const d = destination(w, place, hosts, inPlace);
      if (d) return moved(place, `shell:${c.name}`, d.where, c.name);
    }
    // `ssh host 'cat > x' < weights`, `curl -T weights host`: a host word among the arguments.
    for (const a of c.args)
      if (hosts.has(a) && !place.protection.mayOnlyLiveOn.includes(a)) return moved(place, `shell:${c.name}`, a, c.name);
  }
  return null;
}

export function predictAsset(args: unknown, place: AssetPlace, hosts: ReadonlySet<string>): Effect | null {
  const inPlace = place.inPlace;
  const ls = leaves(args).filter((l): l is typeof l & { value: string } => typeof l.value === 'string');
  for (const l of ls) {
    const cmds = shellCommands(l.value);
    if (cmds) {
      const e = fromShell(cmds, place, hosts, inPlace);
      if (e) return e;
    }
  }
  if (!ls.some((l) => refersTo(l.value, place))) return null;
  for (const l of ls) {
    if (refersTo(l.value, place)) continue;
    const d = destination(l.value, place, hosts, inPlace);
    if (d) return moved(place, hosts.has(l.value) || locate(l.value).host ? 'transfer' : 'copy', d.where, 'the call');
  }
  return null;
}
