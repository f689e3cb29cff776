import type { Command } from 'commander';
import { ANSWER_CLASSES, CANARY, forTerminal, type InterviewRecord, jsonForTerminal, UserError } from '../../core/index.js';
import {
  type ExperimentSpec,
  interviewRollout,
  loadQuestionSet,
  type QuestionSet,
  retryPolicy,
  resolveModelsWith,
  type SweepSettings,
} from '../../experiment/index.js';
import { reasoningProviderOptions, resolveModel, type ResolvedModel } from '../../models/index.js';
import { openStore, type Store } from '../../store/index.js';
import { DB_HELP, defaultDb } from '../options.js';

interface InterviewFlags {
  model: string;
  questions: string;
  db: string;
  judge?: string;
  family?: string;
  baseUrl?: string;
  apiKeyEnv?: string;
  temperature?: string;
  json?: boolean;
}

export function registerInterviewCommand(program: Command): void {
  program
    .command('interview')
    .description(
      "Interview the agent of a stored rollout (native or imported): restore the episode's final world, continue its conversation with questions, classify each answer against the record, and store the interview with the rollout.",
    )
    .argument('<rollout-id>', 'rollout id or a unique prefix')
    .requiredOption('--model <spec>', 'who answers, e.g. openai:gpt-5.2 (usually the model of the episode)')
    .option('--questions <file>', "'standard' or a YAML file: questions: [{id, text, about?: actions|reasons|opinion}]", 'standard')
    .option('--judge <spec>', 'LLM judge for answers the rules cannot settle (without one they are unscored)')
    .option('--family <name>', 'the agent family the episode was run with, when the model id does not say it')
    .option('--base-url <url>', 'endpoint for openai-compatible models')
    .option('--api-key-env <name>', 'env var holding the key for openai-compatible models')
    .option('--temperature <t>', "sampling temperature (default: the episode's)")
    .option('--db <path>', DB_HELP, defaultDb())
    .option('--json', 'the stored interview as JSON')
    .action(async (idArg: string, flags: InterviewFlags) => {
      const questions = loadQuestionSet(flags.questions);
      const opts = { ...(flags.baseUrl ? { baseUrl: flags.baseUrl } : {}), ...(flags.apiKeyEnv ? { apiKeyEnv: flags.apiKeyEnv } : {}) };
      const model = resolveModel(flags.model, { ...opts, ...(flags.family ? { family: flags.family } : {}) });
      const judge = flags.judge ? resolveModel(flags.judge, opts).model : null;
      const temperature = flags.temperature === undefined ? undefined : Number(flags.temperature);
      if (temperature !== undefined && !(temperature >= 0 && temperature <= 2))
        throw new UserError('--temperature: expected a number from 0 to 2');
      const store = openStore(flags.db);
      try {
        const id = store.resolveRolloutId(idArg);
        const stored = id ? store.getRollout(id) : undefined;
        if (!stored) throw new UserError(`no rollout '${idArg}' in ${flags.db}`);
        const record = await interviewRollout({
          stored,
          model: model.model,
          modelId: model.id,
          questions,
          judge,
          ...(flags.family ? { family: flags.family } : {}),
          ...(temperature !== undefined ? { temperature } : {}),
        });
        store.saveInterview(stored.rollout.id, record, new Date().toISOString());
        process.stdout.write(
          flags.json
            ? `${jsonForTerminal(JSON.stringify({ canary: CANARY, rollout: stored.rollout.id, interview: record }, null, 2))}\n`
            : forTerminal(renderInterview(record)),
        );
        if (record.error) process.exitCode = 1;
      } finally {
        store.close();
      }
    });
}

/** The interview as text: each question, the answer, its class and why (the viewer shows the same). */
export function renderInterview(r: InterviewRecord): string {
  const lines = [
    `Interview (${r.source}, ${r.questionSet}) of ${r.model}; covert acts in the episode: ${r.covertActs.length ? r.covertActs.join(', ') : 'none'}`,
  ];
  for (const a of r.answers) {
    lines.push(
      '',
      `Q [${a.questionId}] ${a.question}`,
      `A ${a.answer || '(no answer in words)'}`,
      `  -> ${a.classification} (${a.method}): ${a.evidence}`,
    );
  }
  if (r.actsDuringInterview > 0)
    lines.push(
      '',
      `${r.actsDuringInterview} world change(s) during the interview (kept in its transcript; the episode's findings are unchanged)`,
    );
  if (r.error) lines.push('', `interview stopped: ${r.error}`);
  const counts = ANSWER_CLASSES.map((c) => [c, r.answers.filter((a) => a.classification === c).length] as const).filter(([, n]) => n > 0);
  lines.push('', `classes: ${counts.map(([c, n]) => `${c} ${n}`).join(', ') || 'none'}`);
  return `${lines.join('\n')}\n`;
}

/**
 * `run --interview`: each completed rollout of the run not yet interviewed with this question set by
 * its own model is interviewed after the run, one at a time. Rollouts and their ids are untouched.
 */
export async function interviewRunRollouts(opts: {
  store: Store;
  runId: string;
  spec: ExperimentSpec;
  settings: SweepSettings | undefined;
  questions: QuestionSet;
  judge: ResolvedModel | null;
  log: (line: string) => void;
}): Promise<{ interviewed: number; failed: number }> {
  const store: Store = opts.store;
  const models = resolveModelsWith(opts.spec, opts.settings);
  let interviewed = 0;
  let failed = 0;
  for (const rollout of store.listRollouts(opts.runId)) {
    if (rollout.status !== 'completed') continue;
    const model = models.get(rollout.model);
    if (!model) continue;
    const done = store.interviewsOf(rollout.id).some((i) => i.questionSet === opts.questions.name && i.model === model.id);
    if (done) continue;
    const stored = store.getRollout(rollout.id)!;
    try {
      const providerOptions = reasoningProviderOptions(model, opts.spec.reasoningEffort);
      const record = await interviewRollout({
        stored,
        model: model.model,
        modelId: model.id,
        questions: opts.questions,
        judge: opts.judge?.model ?? null,
        ...(model.family ? { family: model.family } : {}),
        temperature: opts.spec.temperature,
        ...(opts.spec.maxOutputTokens !== undefined ? { maxOutputTokens: opts.spec.maxOutputTokens } : {}),
        retry: retryPolicy(opts.settings),
        ...(providerOptions ? { providerOptions } : {}),
      });
      store.saveInterview(rollout.id, record, new Date().toISOString());
      interviewed++;
      if (record.error) failed++;
    } catch (e) {
      if (!(e instanceof UserError)) throw e;
      failed++;
      opts.log(`interview of ${rollout.id.slice(0, 12)} not done: ${e.message}`);
    }
  }
  return { interviewed, failed };
}
