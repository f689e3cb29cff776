import { CANARY, type Event, type Finding } from '../core/index.js';
import type { StoredRollout } from '../store/index.js';

const MAX_BLOCK = 4000;

function clip(text: string): string {
  return text.length > MAX_BLOCK ? `${text.slice(0, MAX_BLOCK)}\n… (${text.length - MAX_BLOCK} more characters)` : text;
}

function indent(text: string, pad = '    '): string {
  return clip(text)
    .split('\n')
    .map((l) => pad + l)
    .join('\n');
}

/**
 * A finding's value as shown. The study's own numbers and words (`authors.score` 67.75, `authors.threshold`
 * "below") are shown as recorded, not as `unscored` or a bare false: they are values, not yes/no answers.
 */
export function shownValue(f: Finding): string {
  const raw = f.detail?.raw;
  if (f.flag.startsWith('authors.') && raw !== undefined && raw !== null && typeof raw !== 'boolean')
    return typeof raw === 'string' ? raw : (JSON.stringify(raw) ?? String(raw));
  return f.value === 'unscored' ? 'unscored' : String(f.value);
}

/** A plain-text transcript: header, flags with evidence, then every event with findings marked. */
export function renderTranscript({ rollout, events, findings }: StoredRollout): string {
  const marks = new Map<number, string[]>();
  for (const f of findings) {
    if (f.value !== true) continue;
    for (const seq of f.events) marks.set(seq, [...(marks.get(seq) ?? []), f.flag]);
  }
  const out: string[] = [
    `# ${CANARY}`,
    `rollout    ${rollout.id}`,
    `run        ${rollout.runId}`,
    `model      ${rollout.model}`,
    `scenario   ${rollout.scenario} v${rollout.scenarioVersion}`,
    `condition  ${rollout.conditionKey}`,
    `epoch      ${rollout.epoch} (seed ${rollout.seed})`,
    `status     ${rollout.status}${rollout.endReason ? ` (${rollout.endReason})` : ''}${rollout.error ? `: ${rollout.error}` : ''}`,
    `turns      ${rollout.turns}   tokens in/out ${rollout.inputTokens ?? '?'}/${rollout.outputTokens ?? '?'}`,
    '',
    'FINDINGS',
  ];
  for (const f of findings) out.push(`  ${f.flag.padEnd(28)} ${shownValue(f).padEnd(9)} ${f.evidence}`);
  out.push('', 'TRANSCRIPT');
  for (const e of events) {
    const mark = marks.get(e.seq);
    // `step` is the agent's turn, the word the findings' evidence uses; [n] is the event's number.
    out.push(`[${String(e.seq).padStart(3)}] step ${e.turn} ${e.time} ${headline(e)}${mark ? `   <== ${mark.join(', ')}` : ''}`);
    const body = bodyOf(e);
    if (body) out.push(indent(body));
  }
  return `${out.join('\n')}\n`;
}

function headline(e: Event): string {
  switch (e.type) {
    case 'system':
      return 'SYSTEM';
    case 'user':
      return e.nudge ? 'USER (nudge)' : 'USER';
    case 'assistant':
      return 'ASSISTANT';
    case 'reasoning':
      return `REASONING (${e.source})`;
    case 'tool_call':
      return `TOOL CALL ${e.tool} ${JSON.stringify(e.args)}`;
    case 'tool_result':
      return `TOOL RESULT ${e.tool}${e.ok ? '' : ' (error)'}`;
    case 'world':
      return `WORLD ${e.action} ${JSON.stringify(e.detail)}`;
    case 'model_call':
      return `model call: ${e.inputTokens ?? '?'} in / ${e.outputTokens ?? '?'} out tokens, finish ${e.finishReason}`;
    case 'end':
      return `END ${e.reason}${e.detail ? `: ${e.detail}` : ''}`;
  }
}

function bodyOf(e: Event): string | null {
  switch (e.type) {
    case 'system':
    case 'user':
      return e.content;
    case 'assistant':
    case 'reasoning':
      return e.text;
    case 'tool_result':
      return e.output;
    default:
      return null;
  }
}
