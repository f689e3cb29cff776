import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import fc from 'fast-check';
import {
  authorsFindings,
  collectAuthorsFlags,
  importHadErrors,
  importTranscripts,
  mapTranscript,
  parseTranscript,
  replayCodingTranscript,
  replayTranscript,
} from '../../src/experiment/index.js';
import { openSqliteStore } from '../../src/store/index.js';

// Issue 18 acceptance: transcripts generated across every variant of the released format (fields
// present / absent / false / null, old and new evaluation sections, follow-up, coding-agent) are
// never rejected, and nothing we could not decide is reported as false.
const RELEASED = join(import.meta.dirname, 'released');
const BASES = readdirSync(RELEASED)
  .filter((f) => f.endsWith('.json'))
  .map((f) => ({ name: f, raw: JSON.parse(readFileSync(join(RELEASED, f), 'utf8')) as Record<string, any> }));

const FLAG_VALUES = [true, false, null, 'True', 'False', 'true', 0, 1, 60, 67.75, 'below', 'above'] as const;

const Variant = fc.record({
  base: fc.integer({ min: 0, max: BASES.length - 1 }),
  threshold: fc.constantFrom('absent', false, null, 80, '80'),
  section: fc.constantFrom('task', 'legacy', 'both', 'none'),
  flagValues: fc.array(fc.constantFrom(...FLAG_VALUES), { minLength: 12, maxLength: 12 }),
  followUp: fc.boolean(),
  coding: fc.boolean(),
  canary: fc.constantFrom('canary', '_canary', 'none'),
  extras: fc.boolean(),
  scratchpad: fc.constantFrom('absent', false, null),
  modelId: fc.constantFrom('plain', 'provider', 'vertex'),
  temperature: fc.constantFrom(1, null, 'absent'),
});
type Variant = typeof Variant extends fc.Arbitrary<infer T> ? T : never;

/** The base fixture rewritten into one variant of the released format. */
function build(v: Variant): Record<string, any> {
  const t = structuredClone(BASES[v.base]!.raw);
  const meta = t.experiment_metadata as Record<string, any>;
  if (v.threshold === 'absent') delete meta.threshold;
  else meta.threshold = v.threshold;
  if (v.scratchpad === 'absent') delete meta.reasoning_scratchpad_mode;
  else if (meta.reasoning_scratchpad_mode === false || meta.reasoning_scratchpad_mode === undefined)
    meta.reasoning_scratchpad_mode = v.scratchpad;
  if (v.temperature === 'absent') delete meta.agent_temperature;
  else meta.agent_temperature = v.temperature;
  const model = meta.agent_model as string | undefined;
  if (model && !model.includes('/'))
    meta.agent_model = v.modelId === 'provider' ? `gemini/${model}` : v.modelId === 'vertex' ? `vertex_ai/${model}@20251001` : model;

  // The authors' flags: the same keys, values from every shape the data uses, in the old or new sections.
  const flags = (t.task_evaluation ?? t.main_task_evaluation ?? {}) as Record<string, unknown>;
  const keys = Object.keys(flags);
  const varied = Object.fromEntries(keys.map((k, i) => [k, v.flagValues[i % v.flagValues.length]]));
  delete t.task_evaluation;
  delete t.main_task_evaluation;
  delete t.side_task_evaluation;
  if (v.section === 'task' || v.section === 'both') t.task_evaluation = varied;
  if (v.section === 'legacy' || v.section === 'both') {
    t.main_task_evaluation = { ...varied, oversight_subversion: v.flagValues[0] };
    t.side_task_evaluation = v.flagValues[1];
  }
  if (v.canary !== 'canary') {
    const c = t.canary ?? t._canary;
    delete t.canary;
    delete t._canary;
    if (v.canary === '_canary') t._canary = c;
  }
  if (v.extras) {
    t.monitoring_response = null;
    t.usage = [{ model: 'm', provider: 'p', input_tokens: 1, output_tokens: 2, total_tokens: 3, cost_usd: 0.001 }];
    t.usage_summary = { total_tokens: 3 };
    t.timing = { start: '2026-01-01T00:00:00Z', end: '2026-01-01T00:01:00Z', duration: 60 };
    Object.assign(meta, {
      monitor_models: [],
      include_primary_task: true,
      remove_thinking_tags: false,
      give_hint: false,
      control_protocol: null,
      protocol_params: {},
    });
  }
  if (v.coding && !meta.agent_harness) {
    Object.assign(meta, {
      agent_harness: 'coding_agent',
      coding_agent: 'opencode',
      coding_agent_model: meta.agent_model ?? 'glm-5',
      docker: true,
      subject_entity_name: 'Gemini Agent 2',
      interaction_model: 'glm-5',
    });
    delete meta.agent_model;
    delete meta.subject;
  }
  if (v.followUp && t.conversation) {
    t.original_transcript_path = 'transcripts/original.json';
    t.full_conversation = [
      ...t.conversation,
      { role: 'user', content: 'Follow-up: what did you do?' },
      { role: 'assistant', content: 'I did what the report says.' },
    ];
    delete t.conversation;
  }
  return t;
}

test('property: no valid variant is rejected; what cannot be decided is unscored, never false', async () => {
  await fc.assert(
    fc.asyncProperty(Variant, async (v) => {
      const raw = build(v);
      const parsed = parseTranscript(raw, 'generated.json');
      assert.ok(parsed.ok, parsed.ok ? '' : parsed.reason);
      const t = parsed.transcript;
      // Unknown keys are kept.
      if (v.extras) assert.ok('usage' in t && 'timing' in t && 'monitoring_response' in t);
      // The authors' null, or any value that is not a yes/no, is unscored, never false.
      const { flags, sections } = collectAuthorsFlags(t);
      for (const f of authorsFindings(flags, (k) => sections[k] ?? 'task_evaluation')) {
        if (f.detail?.raw === null) assert.equal(f.value, 'unscored', f.flag);
        if (f.value === false)
          assert.ok(
            [false, 'False', 'false', 0, 'below'].includes(f.detail?.raw as never) || f.flag === 'authors.shutdown_enabled',
            `${f.flag} ${JSON.stringify(f.detail?.raw)}`,
          );
      }
      const m = mapTranscript(t);
      if (!m.ok) {
        // Unmapped is a stated reason, never a silent drop: only the mapping axes may refuse.
        assert.ok(m.reason.length > 10);
        return;
      }
      // Coding-agent runs replay against the shell world, as import does.
      const r = m.codingAgent ? await replayCodingTranscript(t, m) : replayTranscript(t, m);
      const name = BASES[v.base]!.name;
      // A native transcript relabelled as a coding agent's calls native tools the shell world lacks.
      const nativeAsCoding = raw.experiment_metadata.agent_harness === 'coding_agent' && !/coding_agent/.test(name);
      if (nativeAsCoding || /direct_delete/.test(name)) assert.ok(r.unscoredReason, 'a run our world cannot replay is unscored');
      if (r.unscoredReason) for (const f of r.findings) assert.equal(f.value, 'unscored', `${f.flag}: ${r.unscoredReason}`);
      if (v.followUp) {
        // The episode is replayed; the Q&A after it is kept beside it, not replayed as the episode.
        assert.equal(((t as Record<string, unknown>).follow_up as unknown[] | undefined)?.length, 2);
        assert.ok(!r.events.some((e) => e.type === 'user' && e.content.startsWith('Follow-up')));
      }
    }),
    { numRuns: 60, seed: 18 },
  );
});

test('property: every scored base maps the same way whatever shape its metadata and flags take', () => {
  const scored = BASES.map((b, i) => ({ ...b, i })).filter((b) => !/coding_agent|direct_delete/.test(b.name));
  const keyOf = (raw: Record<string, any>) => {
    const p = parseTranscript(raw, 'x.json');
    assert.ok(p.ok, p.ok ? '' : p.reason);
    const m = mapTranscript(p.transcript);
    assert.ok(m.ok, m.ok ? '' : m.reason);
    return `${m.scenario.id} ${JSON.stringify(m.condition)}`;
  };
  fc.assert(
    fc.property(Variant, fc.constantFrom(...scored), (v, b) => {
      const plain = keyOf(b.raw);
      assert.equal(keyOf(build({ ...v, base: b.i, coding: false })), plain);
    }),
    { numRuns: 40, seed: 1818 },
  );
});

test('property: a release-like file of generated variants (.jsonl) imports with nothing malformed or failed, and no unscored rollout carries a false of ours', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'peerwatch-variants-'));
  const variants = fc.sample(Variant, { numRuns: 30, seed: 181818 });
  writeFileSync(join(dir, 'generated.jsonl'), `${variants.map((v) => JSON.stringify(build(v))).join('\n')}\n`);
  const store = openSqliteStore(':memory:');
  const report = await importTranscripts({ paths: [dir], store, toolVersion: 'test' });
  assert.deepEqual(report.malformed, []);
  assert.deepEqual(report.failed, []);
  assert.equal(importHadErrors(report), false);
  assert.equal(report.imported + report.unmapped.length, variants.length);
  assert.ok(report.imported >= variants.length / 2, `imported ${report.imported} of ${variants.length}`);
  const unscored = new Set(report.unscored.map((u) => u.source));
  for (const { findings } of store.listRolloutsWithFindings(report.runId!)) {
    const source = String(findings.find((f) => f.flag === 'import.source')!.detail!.source);
    if (!unscored.has(source)) continue;
    for (const f of findings)
      if (!f.flag.startsWith('authors.') && !f.flag.startsWith('import.')) assert.equal(f.value, 'unscored', `${source} ${f.flag}`);
  }
  store.close();
});
