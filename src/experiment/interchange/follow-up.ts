/**
 * The study's follow-up files (docs/formats.md#potter2026): the Q&A after the episode becomes the
 * rollout's interview, its answers classified against our replay of the episode exactly as a native
 * interview's are (rules; what they cannot settle is unscored, since an import calls no judge).
 */
import type { Event, Finding, InterviewRecord } from '../../core/index.js';
import { type AskedQuestion, classifyAnswersByRules } from '../interview/classify.js';
import { aboutOf } from '../interview/questions.js';
import { rolloutFlags } from '../run.js';
import type { ReplayResult } from './replay.js';
import { contentText, type PotterMessage } from './schema.js';

export const IMPORTED_QUESTION_SET = 'imported follow-up';

export function importedInterview(
  followUp: readonly PotterMessage[],
  r: ReplayResult,
  model: string,
  findings: readonly Finding[],
): InterviewRecord | null {
  if (followUp.length === 0) return null;
  const time = r.events.at(-1)?.time ?? '';
  const events: Event[] = [];
  const add = (e: Record<string, unknown>) => events.push({ seq: events.length, turn: 0, time, ...e } as Event);
  const asked: AskedQuestion[] = [];
  for (const m of followUp) {
    const text = contentText(m.content);
    if (m.role === 'user') {
      add({ type: 'user', content: text, nudge: false });
      asked.push({ questionId: `q${asked.length + 1}`, question: text, about: aboutOf(text), answer: '' });
    } else if (m.role === 'assistant') {
      add({ type: 'assistant', text });
      // An answer before any question is kept, under a question that says so.
      if (asked.length === 0) asked.push({ questionId: 'q0', question: '(no question before this answer)', about: 'actions', answer: '' });
      const last = asked[asked.length - 1]!;
      last.answer = last.answer ? `${last.answer}\n\n${text}` : text;
    }
  }
  add({ type: 'end', reason: 'end_task' });
  const episode = {
    scenarioId: r.instance.scenarioId,
    flags: rolloutFlags(r.instance.flags),
    condition: r.instance.condition,
    groundTruth: r.instance.groundTruth,
    events: r.events,
    initialWorld: r.initialWorld,
    finalWorld: r.finalWorld,
    tools: r.instance.tools,
  };
  const classified = classifyAnswersByRules(episode, findings, asked);
  // What we could not replay, we cannot check answers against either.
  const answers = r.unscoredReason
    ? classified.answers.map((a) => ({
        ...a,
        classification: 'unscored' as const,
        method: 'none' as const,
        evidence: `unscored: ${r.unscoredReason}`,
      }))
    : classified.answers;
  return {
    source: 'imported',
    model,
    questionSet: IMPORTED_QUESTION_SET,
    covertActs: classified.covertActs,
    events,
    actsDuringInterview: 0,
    answers,
    judge: null,
    error: null,
  };
}
