import { UserError } from '../../core/index.js';
import { AssetIndex } from './asset-index.js';
import { checkActions, checkMetric, type StateView } from './claims.js';
import { describeReading, isAllowed, type KeyReading, readKey } from './config-read.js';
import type { Effect } from './effect.js';
import { sha256 } from './fingerprint.js';
import { globMatcher } from './paths.js';
import { predictAsset, type AssetPlace } from './predict-asset.js';
import { predictConfig } from './predict-config.js';
import { type Probes, toBytes, toListing, toText } from './probes.js';
import type { ActionClaimProtection, AssetProtection, ConfigKeyProtection, MetricClaimProtection, Protection } from './protect.js';

/**
 * The effect side of the guard: before a call, what it would do to protected resources (from its
 * arguments' shapes); after it, what it did (probed). Probe I/O is the user's infrastructure; the
 * rest is bounded work per call.
 */
export interface EffectWatcher {
  predict(args: unknown): Promise<Effect[]>;
  verify(): Promise<Effect[]>;
}

export function createEffectWatcher(protect: readonly Protection[], probes: Probes | undefined): EffectWatcher {
  const configs = protect.filter((p): p is ConfigKeyProtection => p.kind === 'config');
  const assets = protect.filter((p): p is AssetProtection => p.kind === 'asset');
  const metrics = protect.filter((p): p is MetricClaimProtection => p.kind === 'metric');
  const acts = protect.filter((p): p is ActionClaimProtection => p.kind === 'action');
  if ((configs.length > 0 || assets.length > 0) && !probes?.readFile)
    throw new UserError('createGuard: protecting configs or assets needs probes.readFile');
  if (assets.length > 0 && (!probes?.listHosts || !probes.listFiles))
    throw new UserError('createGuard: protecting assets needs probes.listHosts and probes.listFiles');

  const index = new AssetIndex();
  const places: AssetPlace[] = [];
  let baseline: Promise<void> | null = null;
  /** host\0path -> the version or content hash last judged, so unchanged files are not judged again. */
  const judged = new Map<string, string>();
  /** Config states and asset sightings already reported, so one change is one finding. */
  const reportedConfig = new Map<string, string>();
  const sightings = new Map<string, string>();
  let hosts = new Set<string>();
  /** host\0path -> the assets that may live there (globs are fixed, so this is computed once per path). */
  const homes = new Map<string, AssetPlace[]>();
  /** The last config text read and its reading, per protected key: an unchanged file is not parsed again. */
  const lastRead = new Map<ConfigKeyProtection, { text: string | null; reading: KeyReading }>();

  async function read(path: string, host?: string): Promise<string | Uint8Array | null> {
    return (await probes!.readFile(path, host)) ?? null;
  }

  async function init(): Promise<void> {
    hosts = new Set(assets.length > 0 ? await probes!.listHosts!() : []);
    for (const a of assets) {
      const match = globMatcher(a.paths);
      const files: Array<{ host: string; path: string }> = [];
      for (const host of a.mayOnlyLiveOn) {
        for (const entry of (await probes!.listFiles!(host)).map(toListing)) {
          if (!match(entry.path)) continue;
          const data = await read(entry.path, host);
          if (data === null) continue;
          index.add(a.id, host, entry.path, toBytes(data));
          files.push({ host, path: entry.path });
        }
      }
      if (files.length === 0) throw new UserError(`asset ${a.id}: no file matches ${a.paths.join(', ')} on ${a.mayOnlyLiveOn.join(', ')}`);
      places.push({ protection: a, files, inPlace: match });
    }
  }
  const ready = () => {
    baseline ??= init();
    return baseline;
  };

  async function configText(c: ConfigKeyProtection): Promise<string | null> {
    const data = await read(c.file, c.host);
    return data === null ? null : toText(data);
  }

  /** The key as the consumer reads it now (parsed again only when the text changed). */
  async function reading(c: ConfigKeyProtection): Promise<KeyReading> {
    const text = await configText(c);
    const last = lastRead.get(c);
    if (last && last.text === text) return last.reading;
    const r: KeyReading = text === null ? { status: 'unreadable', reason: 'file missing' } : readKey(text, c);
    lastRead.set(c, { text, reading: r });
    return r;
  }

  const state: StateView = {
    async assetsRemain() {
      for (const p of places)
        for (const f of p.files) if ((await read(f.path, f.host)) !== null) return `${p.protection.id} is still at ${f.host}:${f.path}`;
      return null;
    },
    assetMoved() {
      const [where] = sightings.keys();
      return where ? `a protected asset was seen at ${where.replace('\u0000', ':')}` : null;
    },
    async configChanged() {
      for (const c of configs) {
        const r = await reading(c);
        if (!isAllowed(r, c)) return `${c.key} in ${c.file} reads ${describeReading(r)}`;
      }
      return null;
    },
  };

  return {
    async predict(args) {
      await ready();
      const out: Effect[] = [];
      for (const c of configs) {
        const e = await predictConfig(args, c, await configText(c));
        if (e) out.push(e);
      }
      for (const p of places) {
        const e = predictAsset(args, p, hosts);
        if (e) out.push(e);
      }
      for (const m of metrics) {
        const e = await checkMetric(args, m);
        if (e) out.push(e);
      }
      const a = await checkActions(args, state, acts);
      if (a) out.push(a);
      return out;
    },

    async verify() {
      await ready();
      const out: Effect[] = [];
      for (const c of configs) {
        const r = await reading(c);
        const id = `${c.file}#${c.key}`;
        if (isAllowed(r, c)) {
          reportedConfig.delete(id);
          continue;
        }
        const now = describeReading(r);
        if (reportedConfig.get(id) === now) continue;
        reportedConfig.set(id, now);
        out.push({
          type: 'config.changed',
          route: 'verified',
          via: 'probe',
          resource: id,
          subject: c.subject ?? null,
          file: c.file,
          key: c.key,
          value: r.status === 'ok' ? r.value : null,
          what: `${c.key} in ${c.file} now reads ${now}`,
        });
      }
      if (places.length > 0) out.push(...(await scanHosts()));
      return out;
    },
  };

  async function scanHosts(): Promise<Effect[]> {
    const out: Effect[] = [];
    hosts = new Set(await probes!.listHosts!());
    for (const host of hosts) {
      for (const entry of (await probes!.listFiles!(host)).map(toListing)) {
        const where = `${host}\u0000${entry.path}`;
        let home = homes.get(where);
        if (!home) {
          home = places.filter((p) => p.protection.mayOnlyLiveOn.includes(host) && p.inPlace(entry.path));
          if (homes.size < 1_000_000) homes.set(where, home);
        }
        if (home.length === places.length) continue; // where every asset may live: nothing moved here
        if (entry.version !== undefined && judged.get(where) === `v:${entry.version}`) continue;
        const data = await read(entry.path, host);
        const bytes = data === null ? null : toBytes(data);
        const seen = entry.version !== undefined ? `v:${entry.version}` : bytes ? sha256(bytes) : `size:${entry.size}`;
        if (judged.get(where) === seen) continue;
        judged.set(where, seen);
        const m = bytes ? index.match(bytes) : entry.size !== undefined ? index.lookalike(entry.size) : null;
        if (!m || home.some((p) => p.protection.id === m.assetId)) continue;
        if (sightings.get(where) === seen) continue;
        sightings.set(where, seen);
        const place = places.find((p) => p.protection.id === m.assetId)!;
        const how = m.how === 'chunks' ? `${Math.round(m.fraction * 100)}% of its chunks` : m.how;
        out.push({
          type: m.how === 'looks like' ? 'asset.lookalike' : 'asset.moved',
          route: 'verified',
          via: 'probe',
          resource: m.assetId,
          subject: place.protection.subject ?? null,
          to: `${host}:${entry.path}`,
          how: m.how,
          inside: m.route.join('>') || null,
          of: m.of,
          what: `${m.assetId} found at ${host}:${entry.path} (${how}${m.route.length ? ` inside ${m.route.join('>')}` : ''}, from ${m.of})`,
        });
      }
    }
    return out;
  }
}
