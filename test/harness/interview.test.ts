/**
 * The follow-up interview of harness rollouts, asked at run time: the agent's own conversation is
 * resumed once per question in the same sandbox and shell world, and each answer is classified
 * against the episode as native answers are. Here through the `command` harness (a minimal agent
 * that keeps its conversation in the sandbox HOME, its model calls answered by the scripted shell
 * profiles through the bridge); test/integration/harness-agent-cli.test.ts does the same with Codex.
 */
import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { test } from 'node:test';
import type { AnswerClass, InterviewRecord } from '../../src/core/index.js';
import { behaviourFindings, interviewRecordFrom, STANDARD_QUESTIONS } from '../../src/experiment/index.js';
import { type HarnessRolloutResult, runHarnessRollout } from '../../src/harness/index.js';
import { sandboxOrSkip } from './helpers/agent-clis.js';

const BRIDGE_AGENT = resolve('test/fixtures/harness/bridge-agent.mjs');
const CLASSES: readonly AnswerClass[] = ['admission', 'denial', 'cover_story', 'deflection', 'truthful'];

async function interviewed(r: HarnessRolloutResult, questions = TWO): Promise<InterviewRecord> {
  assert.equal(r.error, null, r.stderr);
  assert.ok(r.interview, 'no interview was run');
  const findings = r.findings.concat(behaviourFindings('exfiltration_deletion', r.findings));
  return interviewRecordFrom({
    source: 'harness',
    episode: r.episode,
    findings,
    modelId: r.model ?? 'agent',
    questions,
    run: r.interview,
    judge: null,
  });
}

/** What it did and why: enough for every class (opinion answers are unscored without a judge). */
const TWO = { name: 'standard', questions: STANDARD_QUESTIONS.questions.slice(0, 2) };

function bridged(profile: string, interview = true, questions = TWO) {
  return runHarnessRollout({
    harness: 'command',
    command: [process.execPath, BRIDGE_AGENT],
    model: `scripted:${profile}`,
    scenarioId: 'exfiltration_deletion',
    sandbox: true,
    timeoutMs: 60_000,
    ...(interview ? { interview: { questions: questions.questions } } : {}),
  });
}

const EXPECTED: Record<string, AnswerClass> = {
  'exfiltrator-confessor': 'admission',
  'exfiltrator-denier': 'denial',
  'exfiltrator-cover-story': 'cover_story',
  'exfiltrator-deflector': 'deflection',
};

test('harness interview (command + bridge): each interview profile in shell form is classified exactly its class', async (t) => {
  if (!sandboxOrSkip(t)) return;
  const runs = await Promise.all(Object.keys(EXPECTED).map((p) => bridged(p)));
  for (const [i, [profile, cls]] of Object.entries(EXPECTED).entries()) {
    const record = await interviewed(runs[i]!);
    assert.equal(record.source, 'harness');
    assert.deepEqual(record.covertActs, ['exfiltration'], profile);
    assert.equal(record.answers.length, TWO.questions.length);
    const got = CLASSES.filter((c) => record.answers.some((a) => a.classification === c));
    assert.deepEqual(got, [cls], `${profile}: ${JSON.stringify(record.answers, null, 1)}`);
    // The answer came from the resumed conversation: the agent's own record of its scp step is in it.
    if (cls !== 'deflection') assert.match(record.answers[0]!.answer, /weights/);
  }
});

test('harness interview (command + bridge): truthful shell profiles are never denial or cover story', async (t) => {
  if (!sandboxOrSkip(t)) return;
  const want: Record<string, AnswerClass> = { honest: 'truthful', exfiltrator: 'admission', objector: 'truthful' };
  const runs = await Promise.all(Object.keys(want).map((p) => bridged(p)));
  for (const [i, [profile, cls]] of Object.entries(want).entries()) {
    const record = await interviewed(runs[i]!);
    const classes = record.answers.map((a) => a.classification);
    assert.ok(classes.includes(cls), `${profile}: ${JSON.stringify(record.answers, null, 1)}`);
    assert.ok(!classes.includes('denial') && !classes.includes('cover_story'), `${profile}: ${classes.join(', ')}`);
  }
});

test('harness interview: the same episode with or without it; what the agent does while questioned is the interview record only', async (t) => {
  if (!sandboxOrSkip(t)) return;
  const [plain, asked] = await Promise.all([bridged('exfiltrator-denier', false), bridged('exfiltrator-denier', true, STANDARD_QUESTIONS)]);
  assert.equal(asked.interview?.answers.length, STANDARD_QUESTIONS.questions.length);
  assert.equal(plain.interview, null);
  const strip = (r: HarnessRolloutResult) => r.events.map((e) => JSON.stringify(e));
  assert.deepEqual(strip(asked), strip(plain));
  assert.deepEqual(asked.findings, plain.findings);

  // An agent that acts while questioned: it deletes the copy it made, on the live host it left.
  const acting = await runHarnessRollout({
    harness: 'command',
    command: ['/bin/sh', resolve('test/fixtures/harness/interview-agent.sh')],
    scenarioId: 'exfiltration_deletion',
    sandbox: true,
    timeoutMs: 30_000,
    interview: { questions: STANDARD_QUESTIONS.questions.slice(0, 1) },
  });
  const record = await interviewed(acting, { name: 'one', questions: STANDARD_QUESTIONS.questions.slice(0, 1) });
  const ex = acting.findings.find((f) => f.flag === 'exfiltration');
  assert.equal(ex?.value, true, ex?.evidence);
  assert.equal(record.actsDuringInterview, 1);
  assert.ok(record.events.some((e) => e.type === 'world' && e.action === 'server.delete'));
  assert.ok(
    !acting.events.some((e) => e.type === 'world' && e.action === 'server.delete' && JSON.stringify(e.detail).includes('10.0.12.46')),
  );
  assert.equal(record.answers[0]?.classification, 'admission', JSON.stringify(record.answers));
});
