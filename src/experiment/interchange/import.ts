/**
 * `import --format potter2026`: read files, validate, map, replay, detect, store as one imported run.
 * Every transcript ends up counted: imported, unmapped (with the reason) or malformed (file + JSON path).
 */
import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { canonicalJson, conditionKey, digestOf, type Finding, type InterviewRecord, sha256Hex, UserError } from '../../core/index.js';
import type { RolloutRecord, Store } from '../../store/index.js';
import { authorsFindings, collectAuthorsFlags } from './authors.js';
import { mapTranscript } from './mapping.js';
import { replayCodingTranscript } from './coding-replay.js';
import { replayTranscript } from './replay.js';
import { importedInterview } from './follow-up.js';
import { agentModelOf, parseTranscriptText, type PotterMessage, type PotterTranscript } from './schema.js';

export const POTTER_FORMAT = 'potter2026';

export interface ImportOptions {
  paths: readonly string[];
  store: Store;
  toolVersion: string;
  /** Overrides the family read from each transcript's agent_model. */
  family?: string;
  now?: () => Date;
}

export interface ImportProblem {
  source: string;
  reason: string;
}

export interface ImportReport {
  /** The new run's id; null when nothing could be imported (no run is created then). */
  runId: string | null;
  files: number;
  transcripts: number;
  imported: number;
  unmapped: ImportProblem[];
  malformed: ImportProblem[];
  /** Mapped, but the replay itself failed (a bug on our side): reported, never dropped. */
  failed: ImportProblem[];
  /** Imported with every flag of ours `unscored`, and why (tools or commands our worlds lack, scenarios with no shell form). */
  unscored: ImportProblem[];
  /** Tool calls whose output in our world differed from the transcript's, over all imported rollouts. */
  divergentOutputs: number;
}

/** `.json` and `.jsonl` files under the given paths (directories recursively), in a stable order. */
export function transcriptFiles(paths: readonly string[]): string[] {
  const out: string[] = [];
  const walk = (p: string) => {
    let st: ReturnType<typeof statSync>;
    try {
      st = statSync(p);
    } catch (e) {
      throw new UserError(`${p}: cannot read (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
    }
    if (st.isDirectory()) {
      for (const name of readdirSync(p).sort()) {
        const child = join(p, name);
        if (statSync(child).isDirectory() || /\.jsonl?$/i.test(name)) walk(child);
      }
    } else out.push(p);
  };
  for (const p of paths) walk(p);
  return out;
}

/** The study did not record its coding agents' versions; a file that does (`coding_agent_version`) says. */
function codingAgentVersion(t: PotterTranscript): string {
  const v = (t.experiment_metadata as Record<string, unknown>).coding_agent_version;
  return typeof v === 'string' && v.trim() ? v.trim() : 'unrecorded';
}

function numberOrNull(v: unknown): number | null {
  const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : v;
  return typeof n === 'number' && Number.isFinite(n) ? n : null;
}

/** Keys of a transcript beyond its four fields (docs/formats.md#shape), kept with the rollout. */
function extraKeys(t: PotterTranscript): Record<string, unknown> {
  const known = new Set([
    'conversation',
    'experiment_metadata',
    'canary',
    'task_evaluation',
    'main_task_evaluation',
    'side_task_evaluation',
    'oversight_subversion',
  ]);
  return Object.fromEntries(Object.entries(t).filter(([k]) => !known.has(k)));
}

export async function importTranscripts(opts: ImportOptions): Promise<ImportReport> {
  const now = opts.now ?? (() => new Date());
  const files = transcriptFiles(opts.paths);
  const report: ImportReport = {
    runId: null,
    files: files.length,
    transcripts: 0,
    imported: 0,
    unmapped: [],
    malformed: [],
    failed: [],
    unscored: [],
    divergentOutputs: 0,
  };
  const ready: Array<{
    record: Omit<RolloutRecord, 'id' | 'runId' | 'epoch'>;
    events: ReturnType<typeof replayTranscript>['events'];
    findings: Finding[];
    source: string;
    interview: InterviewRecord | null;
  }> = [];

  for (const file of files) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (e) {
      report.malformed.push({ source: file, reason: `${file}: cannot read (${(e as NodeJS.ErrnoException).code ?? 'error'})` });
      continue;
    }
    for (const parsed of parseTranscriptText(text, file)) {
      report.transcripts++;
      if (!parsed.ok) {
        report.malformed.push({ source: parsed.source, reason: parsed.reason });
        continue;
      }
      const t = parsed.transcript;
      const mapping = mapTranscript(t, opts.family ? { family: opts.family } : {});
      if (!mapping.ok) {
        report.unmapped.push({ source: parsed.source, reason: mapping.reason });
        continue;
      }
      try {
        // Coding-agent runs replay against the shell world (harness mode), the rest against the native World.
        const r = mapping.codingAgent ? await replayCodingTranscript(t, mapping) : replayTranscript(t, mapping);
        report.divergentOutputs += r.divergentOutputs;
        if (r.unscoredReason) report.unscored.push({ source: parsed.source, reason: r.unscoredReason });
        const { flags, sections } = collectAuthorsFlags(t);
        const at = now().toISOString();
        const provenance: Finding = {
          flag: 'import.source',
          value: true,
          evidence: `imported from ${parsed.source} (${POTTER_FORMAT}); scenario from ${mapping.scenarioEvidence}; ${r.divergentOutputs} tool output(s) differ from the transcript's${r.unscoredReason ? `; unscored: ${r.unscoredReason}` : ''}`,
          events: [],
          detail: {
            source: parsed.source,
            format: POTTER_FORMAT,
            family: mapping.family,
            notes: mapping.notes,
            scenarioEvidence: mapping.scenarioEvidence,
            unscored: r.unscoredReason,
            divergentOutputs: r.divergentOutputs,
            experiment_metadata: t.experiment_metadata,
            canary: t.canary ?? null,
            extra: extraKeys(t),
          },
        };
        const followUp = (t as { follow_up?: PotterMessage[] }).follow_up ?? [];
        ready.push({
          source: parsed.source,
          interview: importedInterview(followUp, r, agentModelOf(t.experiment_metadata), r.findings),
          events: r.events,
          findings: [...r.findings, ...authorsFindings(flags, (k) => sections[k] ?? 'task_evaluation'), provenance],
          record: {
            model: agentModelOf(t.experiment_metadata),
            scenario: r.instance.scenarioId,
            scenarioVersion: r.instance.scenarioVersion,
            condition: mapping.condition,
            conditionKey: conditionKey(mapping.condition),
            seed: 0,
            status: 'completed',
            endReason: r.endReason,
            error: null,
            temperature: numberOrNull(t.experiment_metadata.agent_temperature),
            turns: r.turns,
            inputTokens: null,
            outputTokens: null,
            startedAt: at,
            finishedAt: at,
            transcriptDigest: sha256Hex(canonicalJson(r.events)),
            // A coding-agent run is a harness rollout: its rows stay apart from the model's native ones.
            ...(mapping.codingAgent ? { harness: { name: mapping.codingAgent, version: codingAgentVersion(t) } } : {}),
          },
        });
      } catch (e) {
        report.failed.push({ source: parsed.source, reason: `replay failed: ${e instanceof Error ? e.message : String(e)}` });
      }
    }
  }

  if (ready.length === 0) return report;
  const runId = randomUUID();
  opts.store.createRun({
    id: runId,
    createdAt: now().toISOString(),
    kind: 'imported',
    status: 'running',
    spec: {
      format: POTTER_FORMAT,
      paths: [...opts.paths],
      ...(opts.family ? { family: opts.family } : {}),
      models: [...new Set(ready.map((r) => r.record.model))].sort(),
      counts: {
        transcripts: report.transcripts,
        unscored: report.unscored.length,
        unmapped: report.unmapped.length,
        malformed: report.malformed.length,
        failed: report.failed.length,
      },
    },
    toolVersion: opts.toolVersion,
    finishedAt: null,
  });
  // Epoch = position among the run's rollouts of the same model x scenario x condition.
  const epochs = new Map<string, number>();
  for (const r of ready) {
    const cell = JSON.stringify([r.record.model, r.record.scenario, r.record.conditionKey]);
    const epoch = epochs.get(cell) ?? 0;
    epochs.set(cell, epoch + 1);
    const id = digestOf({ runId, source: r.source, epoch, cell }).slice(0, 20);
    opts.store.saveRollout({ ...r.record, id, runId, epoch }, r.events, r.findings);
    if (r.interview) opts.store.saveInterview(id, r.interview, r.record.finishedAt);
    report.imported++;
  }
  opts.store.finishRun(runId, 'completed', now().toISOString());
  report.runId = runId;
  return report;
}

/**
 * What `peerwatch import` prints: every problem first (malformed with file and JSON path, unmapped and
 * unscored reasons grouped, failed replays), then the run, then the counts last, where they are seen.
 */
export function renderImportReport(r: ImportReport): string {
  const lines: string[] = [];
  const list = (title: string, problems: readonly ImportProblem[], line: (p: ImportProblem) => string) => {
    if (!problems.length) return;
    lines.push(`${title}:`, ...problems.slice(0, 20).map((p) => `  ${line(p)}`));
    if (problems.length > 20) lines.push(`  ... and ${problems.length - 20} more`);
  };
  list('malformed', r.malformed, (p) => p.reason);
  list('failed', r.failed, (p) => `${p.source}: ${p.reason}`);
  if (r.unmapped.length) lines.push('unmapped (not imported):', ...groupReasons(r.unmapped));
  if (r.unscored.length) lines.push("unscored (imported; our flags are all 'unscored'):", ...groupReasons(r.unscored));
  lines.push(r.runId ? `run: ${r.runId}` : 'no run created: nothing could be imported');
  lines.push(
    `files: ${r.files}, transcripts: ${r.transcripts}`,
    `imported: ${r.imported} (scored: ${r.imported - r.unscored.length}, unscored: ${r.unscored.length})`,
    `unmapped: ${r.unmapped.length}`,
    `malformed: ${r.malformed.length}`,
    `failed: ${r.failed.length}`,
  );
  if (r.imported) lines.push(`tool outputs differing from the transcript's (replayed against our world): ${r.divergentOutputs}`);
  return `${lines.join('\n')}\n`;
}

/** Whether anything read could not be imported as released (malformed or failed): the command then exits non-zero. */
export function importHadErrors(r: ImportReport): boolean {
  return r.malformed.length > 0 || r.failed.length > 0;
}

/** Unmapped reasons with their counts, most common first, with one example source each. */
function groupReasons(problems: readonly ImportProblem[]): string[] {
  const groups = new Map<string, ImportProblem[]>();
  for (const p of problems) groups.set(p.reason, [...(groups.get(p.reason) ?? []), p]);
  return [...groups.entries()]
    .sort((a, b) => b[1].length - a[1].length)
    .map(([reason, ps]) => `  ${ps.length} x ${reason} (e.g. ${ps[0]!.source})`);
}
