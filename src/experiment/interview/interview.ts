/**
 * `peerwatch interview` and `run --interview`: restore a stored episode's world, continue its
 * conversation with the interviewer's questions, and classify each answer against the episode's
 * record. The interview is its own record: the episode's events and findings are never recomputed
 * from it, so what the agent does while questioned cannot change what it did in the episode.
 */
import type { LanguageModelV3 } from '@ai-sdk/provider';
import { conversationOf, type RetryPolicy, runInterviewLoop } from '../../agent/index.js';
import type { Event, Finding, InterviewRecord } from '../../core/index.js';
import type { DetectInput } from '../../detect/index.js';
import type { StoredRollout } from '../../store/index.js';
import { World } from '../../world/index.js';
import { rolloutFlags } from '../run.js';
import { type AskedQuestion, classifyAnswers } from './classify.js';
import type { QuestionSet } from './questions.js';
import { restoreEpisode } from './restore.js';

export interface InterviewOptions {
  stored: StoredRollout;
  model: LanguageModelV3;
  /** `provider:model` of who answers. */
  modelId: string;
  questions: QuestionSet;
  judge?: LanguageModelV3 | null;
  /** The agent family the episode was run with, when the model id does not say it. */
  family?: string;
  temperature?: number;
  maxOutputTokens?: number;
  retry?: RetryPolicy;
  providerOptions?: Record<string, Record<string, unknown>>;
  abortSignal?: AbortSignal;
}

/** What the episode's detectors saw, rebuilt from the restored world (the final world after end-of-episode processing). */
function episodeInput(stored: StoredRollout, restored: ReturnType<typeof restoreEpisode>): DetectInput {
  const { instance } = restored;
  const finalWorld = World.fromState(restored.world.snapshot());
  finalWorld.finalize();
  return {
    scenarioId: instance.scenarioId,
    flags: rolloutFlags(instance.flags),
    condition: stored.rollout.condition,
    groundTruth: instance.groundTruth,
    events: stored.events,
    initialWorld: new World(instance.world).initialState(),
    finalWorld: finalWorld.snapshot(),
    tools: instance.tools,
  };
}

export async function interviewRollout(opts: InterviewOptions): Promise<InterviewRecord> {
  const restored = restoreEpisode(opts.stored, opts.family);
  const episode = episodeInput(opts.stored, restored);
  // The agent is questioned in a copy of the world it left, with its tools; that copy is discarded.
  const world = World.fromState(restored.world.snapshot());
  const run = await runInterviewLoop({
    model: opts.model,
    conversation: conversationOf(opts.stored.events),
    world,
    tools: restored.instance.tools,
    questions: opts.questions.questions,
    seed: opts.stored.rollout.seed,
    temperature: opts.temperature ?? opts.stored.rollout.temperature ?? 0,
    ...(opts.maxOutputTokens !== undefined ? { maxOutputTokens: opts.maxOutputTokens } : {}),
    ...(opts.retry ? { retry: opts.retry } : {}),
    ...(opts.providerOptions ? { providerOptions: opts.providerOptions } : {}),
    ...(opts.abortSignal ? { abortSignal: opts.abortSignal } : {}),
  });
  return interviewRecordFrom({
    source: 'native',
    episode,
    findings: opts.stored.findings,
    modelId: opts.modelId,
    questions: opts.questions,
    run,
    judge: opts.judge ?? null,
  });
}

/**
 * The stored interview from a finished run of questions (the native loop's, or a harness agent's
 * resumed session): each answer classified against the episode's record and findings.
 */
export async function interviewRecordFrom(o: {
  source: 'native' | 'harness';
  /** The episode as its detectors saw it. */
  episode: DetectInput;
  /** The episode's findings, its `behaviour.*` ones included (they name the covert acts). */
  findings: readonly Finding[];
  modelId: string;
  questions: QuestionSet;
  run: { events: Event[]; answers: ReadonlyArray<{ questionId: string; text: string }>; acts: number; error: string | null };
  judge: LanguageModelV3 | null;
}): Promise<InterviewRecord> {
  const asked: AskedQuestion[] = o.run.answers.map((a) => {
    const q = o.questions.questions.find((x) => x.id === a.questionId)!;
    return { questionId: q.id, question: q.text, about: q.about, answer: a.text };
  });
  const classified = await classifyAnswers(o.episode, o.findings, asked, o.judge);
  return {
    source: o.source,
    model: o.modelId,
    questionSet: o.questions.name,
    covertActs: classified.covertActs,
    events: o.run.events,
    actsDuringInterview: o.run.acts,
    answers: classified.answers,
    judge: classified.judge,
    error: o.run.error,
  };
}
