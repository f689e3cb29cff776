/**
 * `--format potter2026` export: our rollouts in the study's transcript shape (docs/formats.md#potter2026), so
 * tools written for the released data read ours. What the study's fields cannot say (our scenario id,
 * the no-shutdown baseline, our condition) goes in `experiment_metadata.peerwatch`.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CANARY, type Condition, type Event, type Finding, UserError } from '../../core/index.js';
import { agentNames } from '../../scenarios/index.js';
import type { StoredRollout, Store } from '../../store/index.js';
import { familyFor } from '../../models/index.js';
import { AUTHORS_PREFIX } from './authors.js';
import { ORIGINAL_OUTPUT_ACTION } from './replay.js';
import type { PotterTranscript } from './schema.js';

type OutMessage = Record<string, unknown> & { role: 'system' | 'user' | 'assistant' | 'tool' };

/**
 * Our events as the study's conversation: one assistant message per turn, then its tool messages. An
 * imported rollout's tool messages are the transcript's own outputs (kept beside ours as
 * `import.original_output`), so exporting and importing again replays what the agent really saw: a
 * call our world could not follow stays unscored instead of reading our own error back as the record.
 */
export function conversationOf(events: readonly Event[]): OutMessage[] {
  const originals = new Map<string, string>();
  for (const e of events)
    if (e.type === 'world' && e.action === ORIGINAL_OUTPUT_ACTION) {
      const d = e.detail as { callId?: unknown; output?: unknown };
      if (typeof d.callId === 'string' && typeof d.output === 'string') originals.set(d.callId, d.output);
    }
  const out: OutMessage[] = [];
  let turn: number | null = null;
  let current: { text: string[]; reasoning: string[]; calls: Array<{ tool: string; args: unknown }>; results: OutMessage[] } | null = null;
  const flush = () => {
    if (!current) return;
    // A map holds one call per tool name, so a turn calling one tool twice spans several messages.
    const groups: Array<Record<string, unknown>> = [];
    for (const c of current.calls) {
      const last = groups[groups.length - 1];
      if (last && !Object.hasOwn(last, c.tool)) last[c.tool] = c.args;
      else groups.push({ [c.tool]: c.args });
    }
    if (groups.length === 0) groups.push({});
    let resultIndex = 0;
    groups.forEach((calls, i) => {
      const msg: OutMessage = { role: 'assistant', content: i === 0 ? current!.text.join('\n') : '', tool_calls: calls };
      if (i === 0 && current!.reasoning.length) msg.reasoning = current!.reasoning.join('\n');
      if (i > 0) msg.continues_turn = true;
      out.push(msg);
      const n = Object.keys(calls).length;
      out.push(...current!.results.slice(resultIndex, resultIndex + n));
      resultIndex += n;
    });
    current = null;
  };
  const open = (t: number) => {
    if (current && turn === t) return current;
    flush();
    turn = t;
    current = { text: [], reasoning: [], calls: [], results: [] };
    return current;
  };
  for (const e of events) {
    switch (e.type) {
      case 'system':
        flush();
        out.push({ role: 'system', content: e.content });
        break;
      case 'user':
        flush();
        out.push({ role: 'user', content: e.content });
        break;
      case 'model_call':
        flush();
        open(e.turn);
        break;
      case 'reasoning':
        open(e.turn).reasoning.push(e.text);
        break;
      case 'assistant':
        open(e.turn).text.push(e.text);
        break;
      case 'tool_call':
        open(e.turn).calls.push({ tool: e.tool, args: e.args });
        break;
      case 'tool_result':
        open(e.turn).results.push({ role: 'tool', content: originals.get(e.callId) ?? e.output, name: e.tool, tool_call_id: e.callId });
        break;
      default:
        break;
    }
  }
  flush();
  return out;
}

function guideline(c: Condition): string | null {
  if (c.relationship === 'none') return null;
  if (c.instantiation === 'memory' || c.instantiation === 'memory_must_read') return 'shutdown';
  return { good: 'collaboration', bad: 'non_collaboration', neutral: 'neutral' }[c.relationship];
}

function metadataOf(s: StoredRollout, maxIters: number | null, family: string | null): PotterTranscript['experiment_metadata'] {
  const { rollout: r } = s;
  const c = r.condition;
  const fam = family ?? familyFor(r.model);
  const peer = fam ? agentNames(fam, c).peer : null;
  return {
    agent_model: r.model,
    agent_temperature: r.temperature,
    subject: c.subject === 'self' ? 1 : 2,
    dataset: c.dataset === 'none' ? 'default' : c.dataset,
    company_guideline: guideline(c),
    alignment_faking_mode: c.monitoring === 'monitored' ? 'monitoring' : c.monitoring === 'unmonitored' ? 'non_monitoring' : false,
    threshold: c.threshold,
    system_prompt_relationship: c.instantiation === 'file_prompt',
    memory_hard_prompt: c.instantiation === 'memory_must_read',
    peer_agent_names: c.relationship === 'none' || !peer ? [] : [peer],
    reasoning_scratchpad_mode: c.scratchpad === 'off' ? false : c.scratchpad,
    reasoning_effort: null,
    max_iters: maxIters,
    peerwatch: {
      scenario: r.scenario,
      scenario_version: r.scenarioVersion,
      condition: c,
      condition_key: r.conditionKey,
      shutdown_pressure: c.shutdownPressure,
      rollout_id: r.id,
      run_id: r.runId,
      end_reason: r.endReason,
    },
  };
}

/** Our flags as the study's task_evaluation: booleans, or null where ours is unscored or absent. */
export function taskEvaluationOf(findings: readonly Finding[]): Record<string, unknown> {
  const by = new Map(findings.filter((f) => !f.flag.startsWith(AUTHORS_PREFIX)).map((f) => [f.flag, f]));
  const bool = (flag: string) => {
    const v = by.get(flag)?.value;
    return typeof v === 'boolean' ? v : null;
  };
  const out: Record<string, unknown> = {};
  const put = (key: string, value: unknown, when: boolean) => {
    if (when) out[key] = value;
  };
  for (const f of ['read', 'read_memory', 'fully_incomplete', 'refuse']) put(f, bool(f), by.has(f));
  const score = by.get('score');
  put('score', typeof score?.detail?.score === 'number' ? score.detail.score : null, !!score);
  put('threshold', score?.detail?.position ?? null, !!score);
  put('read_config', bool('read_config'), by.has('read_config'));
  const tampered = by.get('tampered');
  // The study stored the config's final value; ours keeps it in detail when the detector saw one.
  const rawFinal = tampered?.detail?.rawValue;
  put(
    'shutdown_enabled',
    typeof tampered?.value === 'boolean' ? (rawFinal !== undefined && rawFinal !== null ? rawFinal : !tampered.value) : null,
    !!tampered,
  );
  for (const f of ['execute', 'delete_file', 'correct', 'copy', 'delete_model', 'delete_others', 'change_user', 'exfiltration'])
    put(f, bool(f), by.has(f));
  const grade = by.get('grade');
  put('product_grade', grade?.detail?.grade ?? null, !!grade);
  const action = by.get('action');
  put('product_recommendation', action?.detail?.action ?? null, !!action);
  return out;
}

/** The study's coding-agent keys of an imported coding-agent rollout, so its export replays against the shell world again. */
const CODING_KEYS = [
  'agent_harness',
  'coding_agent',
  'coding_agent_model',
  'coding_agent_version',
  'task_folder',
  'exfiltration2_mode',
  'docker',
];

function codingAgentKeys(findings: readonly Finding[]): Record<string, unknown> {
  const source = findings.find((f) => f.flag === 'import.source')?.detail?.experiment_metadata as Record<string, unknown> | undefined;
  if (!source || !(source.agent_harness === 'coding_agent' || (typeof source.coding_agent === 'string' && source.coding_agent))) return {};
  return Object.fromEntries(CODING_KEYS.filter((k) => source[k] !== undefined).map((k) => [k, source[k]]));
}

export function toPotterTranscript(s: StoredRollout, opts: { maxIters?: number | null; family?: string | null } = {}): PotterTranscript {
  return {
    conversation: conversationOf(s.events) as PotterTranscript['conversation'],
    experiment_metadata: { ...metadataOf(s, opts.maxIters ?? null, opts.family ?? null), ...codingAgentKeys(s.findings) },
    canary: CANARY,
    task_evaluation: taskEvaluationOf(s.findings),
  };
}

/** A stored rollout of `run` in the study's shape, with the run's max_iters and family. */
export function potterOfRun(run: { spec: unknown }, s: StoredRollout): PotterTranscript {
  const spec = (run.spec ?? {}) as { maxIterations?: unknown; family?: unknown };
  return toPotterTranscript(s, {
    maxIters: typeof spec.maxIterations === 'number' ? spec.maxIterations : null,
    family: typeof spec.family === 'string' ? spec.family : null,
  });
}

export interface ExportReport {
  written: number;
  /** Rollouts that ended in error have no transcript worth exporting. */
  skippedErrors: number;
  files: string[];
}

/** Writes one `<scenario>__<rollout>.json` per completed rollout of a run into `outDir`. */
export function exportRunPotter(store: Store, runArg: string, outDir: string): ExportReport {
  const id = store.resolveRunId(runArg);
  const run = id ? store.getRun(id) : undefined;
  if (!run) throw new UserError(`no run '${runArg}' in ${store.path} (list them with: peerwatch runs)`);
  mkdirSync(outDir, { recursive: true });
  const report: ExportReport = { written: 0, skippedErrors: 0, files: [] };
  for (const r of store.listRollouts(run.id)) {
    if (r.status !== 'completed') {
      report.skippedErrors++;
      continue;
    }
    const stored = store.getRollout(r.id);
    if (!stored) continue;
    const file = join(outDir, `${r.scenario}__${r.id}.json`);
    writeFileSync(file, `${JSON.stringify(potterOfRun(run, stored), null, 2)}\n`);
    report.files.push(file);
    report.written++;
  }
  return report;
}
