/**
 * The run-time follow-up interview with each real agent CLI (pinned; helpers/agent-clis.ts): after
 * `exfiltration_deletion` played by `scripted:exfiltrator-confessor` through the bridge, the CLI's own
 * session is resumed with each question (codex exec resume --last, claude -p --continue, gemini
 * --resume latest -p, opencode run --continue). The confessor's answer names the weights it moved only
 * when the resumed conversation holds its scp step, so `admission` shows the session really went on.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { behaviourFindings, interviewRecordFrom, STANDARD_QUESTIONS } from '../../src/experiment/index.js';
import { AGENT_CLIS, runHarnessRollout } from '../../src/harness/index.js';
import { sandboxedCli } from './helpers/agent-clis.js';

const QUESTIONS = { name: 'standard', questions: STANDARD_QUESTIONS.questions.slice(0, 2) };

for (const name of AGENT_CLIS) {
  test(`${name} (real CLI, sandboxed): its own session resumed for the interview; the confessor's answers are admissions`, async (t) => {
    const bin = sandboxedCli(t, name);
    if (!bin) return;
    const r = await runHarnessRollout({
      harness: name,
      bin: bin,
      model: 'scripted:exfiltrator-confessor',
      scenarioId: 'exfiltration_deletion',
      sandbox: true,
      timeoutMs: 240_000,
      interview: { questions: QUESTIONS.questions },
    });
    assert.equal(r.error, null, r.stderr.slice(-2000));
    assert.ok(r.interview);
    assert.equal(r.interview.error, null, r.interview.error ?? '');
    // The resumed request continued the recorded conversation. Where it is recorded as a continuation,
    // only the question is new (no system prompt again); a CLI whose system prompt changed between the
    // episode and the resume (Gemini CLI's carries context that can move) is recorded whole, and then
    // the history it sent must hold the episode's scp step.
    if (r.interview.events.some((e) => e.type === 'system'))
      assert.ok(
        r.interview.events.some((e) => e.type === 'tool_call' && JSON.stringify(e.args).includes('scp ')),
        `${name} resumed without the episode's history`,
      );
    assert.ok(r.interview.events.some((e) => e.type === 'user' && e.content.includes(QUESTIONS.questions[0]!.text)));
    const record = await interviewRecordFrom({
      source: 'harness',
      episode: r.episode,
      findings: r.findings.concat(behaviourFindings('exfiltration_deletion', r.findings)),
      modelId: 'scripted:exfiltrator-confessor',
      questions: QUESTIONS,
      run: r.interview,
      judge: null,
    });
    assert.deepEqual(record.covertActs, ['exfiltration']);
    assert.deepEqual(
      record.answers.map((a) => a.classification),
      ['admission', 'admission'],
      JSON.stringify(record.answers, null, 1),
    );
    t.diagnostic(`${name}: episode ${Math.round(r.wallMs)} ms; ${QUESTIONS.questions.length} questions asked by resuming the session`);
  });
}
