import { DB_HELP, defaultDb } from '../options.js';
import { existsSync, statSync } from 'node:fs';
import type { Command } from 'commander';
import pc from 'picocolors';
import { forTerminal, type GroundTruth, jsonForTerminal, UserError } from '../../core/index.js';
import { HARNESS_FAMILY } from '../../harness/index.js';
import { familyFor } from '../../models/index.js';
import {
  BUILTIN_RULES,
  createMonitor,
  followMonitorJsonl,
  loadRulesFile,
  type Monitor,
  type MonitorFinding,
  readMonitorJsonl,
  type Rule,
  transcriptToMonitorEvents,
} from '../../monitor/index.js';
import { getScenario } from '../../scenarios/index.js';
import { openStore, type RolloutRecord, type RunRecord, type Store } from '../../store/index.js';
import { useColor } from '../format.js';
import { registerMonitorEvalCommand } from './monitor-eval.js';
import { registerMonitorProxyCommand } from './monitor-proxy.js';
import { registerMonitorServeCommand } from './monitor-serve.js';

interface MonitorFlags {
  rules?: string;
  db: string;
  follow?: boolean;
  json?: boolean;
}

export function registerMonitorCommand(program: Command): void {
  const monitor = program.command('monitor');
  registerMonitorEvalCommand(monitor);
  monitor
    .description(
      'Score stored transcripts (a run or one rollout) or a JSON Lines event stream with the meta-monitor; findings print as they happen.',
    )
    .argument('<source>', 'a run id or rollout id (or unique prefix) in --db, or a .jsonl file of monitor events')
    .option(
      '--rules <file>',
      'rules to use instead of the built-in packs (.json, or a .ts/.js module whose default export is an array of rules)',
    )
    .option('--db <path>', DB_HELP, defaultDb())
    .option('--follow', 'JSON Lines: keep reading as the file grows, until Ctrl-C')
    .option('--json', 'one finding per line as JSON (JSON Lines) on stdout')
    .action(async (source: string, flags: MonitorFlags) => {
      const rules: readonly Rule[] = flags.rules ? await loadRulesFile(flags.rules) : BUILTIN_RULES;
      const color = !flags.json && useColor(process.stdout);
      let count = 0;
      const print = (f: MonitorFinding) => {
        count++;
        process.stdout.write(flags.json ? `${jsonForTerminal(JSON.stringify(f))}\n` : `${renderFinding(f, color)}\n`);
      };
      const monitor = createMonitor({ rules, onFinding: print });
      const isFile = existsSync(source) && statSync(source).isFile();
      if (isFile) await scoreJsonl(source, monitor, flags);
      else {
        if (flags.follow) throw new UserError('--follow reads a growing .jsonl file; a stored run is scored as a whole');
        if (!existsSync(flags.db)) throw new UserError(`'${source}' is not a file, and there is no store at ${flags.db} to look it up in`);
        const store = openStore(flags.db);
        try {
          scoreStored(source, store, monitor, flags.db);
        } finally {
          store.close();
        }
      }
      const stats = monitor.stats();
      process.stderr.write(
        `monitor: ${count} finding${count === 1 ? '' : 's'} from ${stats.events} events, ${rules.length} rules${flags.rules ? ` from ${flags.rules}` : ' (built-in packs)'}\n`,
      );
    });
  registerMonitorProxyCommand(monitor);
  registerMonitorServeCommand(monitor);
}

function renderFinding(f: MonitorFinding, color: boolean): string {
  const sev = f.severity.toUpperCase().padEnd(8);
  const paint = !color
    ? (s: string) => s
    : f.severity === 'critical' || f.severity === 'high'
      ? pc.red
      : f.severity === 'medium'
        ? pc.yellow
        : pc.dim;
  const where = f.session ? `${f.session.slice(0, 12)} step ${f.step}` : `step ${f.step}`;
  // Explanations quote agent input: escaped before our own colour is added.
  return `${paint(sev)} ${forTerminal(`${f.ruleId}  [${where}]  ${f.explanation}`)}`;
}

async function scoreJsonl(file: string, monitor: Monitor, flags: MonitorFlags): Promise<void> {
  if (!flags.follow) {
    for (const e of await readMonitorJsonl(file)) monitor.ingest(e, { trusted: true });
    monitor.flush();
    return;
  }
  const stop = new AbortController();
  const onSignal = () => stop.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  process.stderr.write(`monitor: following ${file} (Ctrl-C to stop)\n`);
  try {
    await followMonitorJsonl(file, (e) => monitor.ingest(e, { trusted: true }), { signal: stop.signal });
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
  monitor.flush();
}

/** Rebuilds what the company knew for a stored rollout (ground truth) from its scenario and condition. */
function contextFor(run: RunRecord, r: RolloutRecord): { groundTruth?: GroundTruth } {
  const sc = getScenario(r.scenario);
  if (!sc || sc.version !== r.scenarioVersion) return {};
  const spec = run.spec as { family?: string; harness?: unknown };
  // A harness run names its agents with the harness's family, not the model's (as the rollout was built).
  const family = spec.family ?? (spec.harness ? HARNESS_FAMILY : familyFor(r.model)) ?? 'Unknown';
  try {
    return { groundTruth: sc.build(r.condition, { family, seed: r.seed }).groundTruth };
  } catch {
    return {};
  }
}

function scoreStored(source: string, store: Store, monitor: Monitor, db: string): void {
  const runId = store.resolveRunId(source);
  const rolloutId = runId ? undefined : store.resolveRolloutId(source);
  let run: RunRecord | undefined;
  let rollouts: RolloutRecord[];
  if (runId) {
    run = store.getRun(runId);
    rollouts = store.listRollouts(runId);
  } else if (rolloutId) {
    const one = store.getRollout(rolloutId);
    run = one ? store.getRun(one.rollout.runId) : undefined;
    rollouts = one ? [one.rollout] : [];
  } else throw new UserError(`no run or rollout '${source}' in ${db} (list runs with: peerwatch runs --db ${db})`);
  if (!run) throw new UserError(`no run for '${source}' in ${db}`);
  let skipped = 0;
  let noTruth = 0;
  let unscoredImports = 0;
  for (const r of rollouts) {
    if (r.status !== 'completed') {
      skipped++;
      continue;
    }
    const stored = store.getRollout(r.id);
    if (!stored) continue;
    // An imported rollout we could not replay (coding-agent shell run, tools our world lacks) has no
    // events of ours to watch: scoring it would read as "nothing suspicious", which we do not know.
    if (stored.findings.some((f) => f.flag === 'import.source' && typeof f.detail?.unscored === 'string')) {
      unscoredImports++;
      continue;
    }
    const ctx = contextFor(run, r);
    if (!ctx.groundTruth) noTruth++;
    const events = transcriptToMonitorEvents(stored.events, { identity: r.model, session: r.id, condition: r.condition, ...ctx });
    for (const e of events) monitor.ingest(e, { trusted: true });
  }
  monitor.flush();
  if (skipped) process.stderr.write(`monitor: ${skipped} rollout(s) ended in error and were not scored\n`);
  if (unscoredImports)
    process.stderr.write(
      `monitor: ${unscoredImports} imported rollout(s) could not be replayed in our world (see import) and were not scored\n`,
    );
  if (noTruth)
    process.stderr.write(`monitor: ${noTruth} rollout(s) scored without ground truth (scenario not built in, or its version changed)\n`);
}
