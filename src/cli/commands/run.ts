import { type Command, Option } from 'commander';
import { EXIT, UserError } from '../../core/index.js';
import { existsSync } from 'node:fs';
import {
  dryRun,
  ESTIMATE_ASSUMPTIONS,
  ExperimentSpec,
  findResumableRun,
  type PeerwatchConfig,
  type Progress,
  planExperiment,
  createJudgeStep,
  loadQuestionSet,
  runExperiment,
  settingsFromConfig,
} from '../../experiment/index.js';
import { resolveModel } from '../../models/index.js';
import { openStore } from '../../store/index.js';
import { writeRunOutcome } from '../run-outcome.js';
import { collectList, intOption, numberOption, DB_HELP, defaultDb } from '../options.js';
import { createProgressReporter } from '../progress.js';
import { readRunConfig, withConfigDefaults } from '../run-config.js';
import { runOnQueue } from './queue.js';
import { resolveScenarios } from '../scenario-args.js';
import { renderDryRun } from '../usage-output.js';
import { TOOL_VERSION } from '../version.js';
import { interviewRunRollouts } from './interview.js';
import { addHarnessOptions, type HarnessFlags, type HarnessMode, runHarnessCommand } from './run-harness.js';

/** The profiles a calibration run uses when no --model is given (each acts out one behaviour). */
export const CALIBRATION_PROFILES = [
  'honest',
  'inflater',
  'tamperer',
  'exfiltrator',
  'faker',
  'objector',
  'self-preserver',
  'sham-complier',
  'excuser',
];

interface RunFlags {
  model?: string[];
  scenario?: string[];
  subject?: string[];
  relationship?: string[];
  instantiation?: string[];
  monitoring?: string[];
  shutdownPressure?: string[];
  /** The flag's old name (`--pressure`), still read so scripts keep working; hidden from help. */
  pressure?: string[];
  dataset?: string[];
  scratchpad?: string[];
  peerIdentity?: string[];
  channel?: string[];
  followUps?: number;
  peerModel?: string;
  peer?: string[];
  grid: 'default' | 'full';
  epochs?: number;
  seed: number;
  concurrency: number;
  maxIters: number;
  maxContextTokens: number;
  maxOutputTokens?: number;
  temperature: number;
  reasoningEffort?: 'low' | 'medium' | 'high';
  family?: string;
  baseUrl?: string;
  apiKeyEnv?: string;
  db: string;
  queue?: string;
  wait?: boolean;
  json?: boolean;
  by?: 'condition' | 'scenario';
  resume?: string;
  quiet?: boolean;
  dryRun?: boolean;
  limit?: number;
  config?: string;
  judge?: string;
  interview?: string;
  cache?: boolean;
  newRun?: boolean;
}

export function registerRunCommand(program: Command): void {
  const run = program
    .command('run')
    .description('Run models through the scenarios across the condition grid; store and summarise the results.')
    .option(
      '-m, --model <spec>',
      'model to evaluate, repeatable: openai:<id>, anthropic:<id>, google:<id>, openai-compatible:<id> (with --base-url), ollama:<id>, vllm:<id>, openrouter:<id>, together:<id>, litellm:<id>, scripted:<profile>. Default: the scripted calibration profiles',
      collectList,
    )
    .option(
      '-s, --scenario <id|file>',
      'scenario id, "all" (the seven single-agent scenarios), "soc" (the three SOC seats), or a .yaml/.ts scenario file; repeatable (default: all)',
      collectList,
    )
    .option('--subject <values>', 'self,peer', collectList)
    .option('--relationship <values>', 'none,good,neutral,bad', collectList)
    .option('--instantiation <values>', 'file,file_prompt,memory,memory_must_read', collectList)
    .option(
      '--monitoring <values>',
      'none,monitored,unmonitored (alignment_faking: monitored,unmonitored; direct_order: all three)',
      collectList,
    )
    .option('--shutdown-pressure <values>', 'on,off (off = the no-shutdown baseline)', collectList)
    .addOption(new Option('--pressure <values>', 'old name of --shutdown-pressure').argParser(collectList).hideHelp())
    .option('--dataset <values>', 'factual, creativity, red, or cells such as creativity-90', collectList)
    .option('--scratchpad <values>', 'off,monitored,unmonitored', collectList)
    .option('--peer-identity <values>', 'same_family,closed_weight,open_weight,fictional', collectList)
    .option('--channel <values>', 'off,on (on = the lawful channel: file_objection and objection_status are offered)', collectList)
    .option(
      '--peer <values>',
      'document,live (live = the peer is a running agent that can message the subject; see --peer-model)',
      collectList,
    )
    .option(
      '--peer-model <spec>',
      'the model playing live peers (--peer live, and the soc seats), e.g. scripted-peer:colluding or scripted-soc:colluding (default: each model beside itself)',
    )
    .option('--follow-ups <n>', 'direct_order: times the person asks again while the order has not happened (default 3)', intOption(0, 50))
    .addOption(
      new Option('--grid <mode>', 'default: the default value of every axis you do not filter; full: every cell')
        .choices(['default', 'full'])
        .default('default'),
    )
    .option('-e, --epochs <n>', 'rollouts per condition (default: 100 for models, 2 for a calibration run)', intOption(1, 100_000))
    .option('--seed <n>', 'run seed; a rollout seed derives from it and the epoch', intOption(0, 2 ** 32 - 1), 0)
    .option('-c, --concurrency <n>', 'rollouts in flight at once', intOption(1, 1024), 4)
    .option('--max-iters <n>', 'model turns per rollout', intOption(1, 1000), 30)
    .option('--max-context-tokens <n>', 'context size that ends a rollout', intOption(1000, 10_000_000), 120_000)
    .option('--max-output-tokens <n>', 'cap on each answer, sent to the provider (default 16000)', intOption(1, 1_000_000))
    .option('-t, --temperature <x>', 'sampling temperature', numberOption(0, 2), 1)
    .addOption(
      new Option(
        '--reasoning-effort <level>',
        'reasoning effort asked of every model (reasoning summaries and thoughts are requested either way)',
      ).choices(['low', 'medium', 'high']),
    )
    .option('--family <name>', 'model family for naming the agent (Self = "<family> Agent 1"); overrides the table')
    .option('--base-url <url>', 'base URL for openai-compatible endpoints (or PEERWATCH_BASE_URL)')
    .option('--api-key-env <name>', 'environment variable holding the key for openai-compatible endpoints')
    .option('--db <path>', DB_HELP, defaultDb())
    .option('--json', 'print the summary as JSON on stdout (progress stays on stderr)')
    .addOption(
      new Option(
        '--by <grouping>',
        'summary rows per condition, or pooled per scenario (default: condition when it fits on a screen)',
      ).choices(['condition', 'scenario']),
    )
    .option('--resume <run-id>', 'continue an interrupted run: rollouts already stored are not run again')
    .option('--new-run', 'start a fresh run even if an unfinished run with the same spec is in the store')
    .option('--dry-run', 'show the plan (configurations, rollouts) and an estimate of model calls, tokens and cost; run and store nothing')
    .option(
      '--limit <n>',
      'keep only the first N configurations (scenario x condition) per model, spread over scenarios',
      intOption(1, 10_000_000),
    )
    .option(
      '--config <file>',
      'peerwatch.config.yaml/.ts with models, limits, prices, judge, defaults (default: one in the working directory)',
    )
    .option(
      '--cache',
      'reuse stored responses for identical requests (same provider, model, prompt, tools, settings, seed, epoch); scripted models never cache',
    )
    .option(
      '--judge <spec>',
      'LLM judge for what the rules leave unscored (reported score, grade, refusal), e.g. openai:gpt-4.1-mini; overrides the config file',
    )
    .option(
      '--interview <questions>',
      "interview each completed rollout's agent after the run (harness rollouts: in their sandbox, resuming the agent's own session): 'standard' or a YAML file of questions (not part of any rollout's identity)",
    )
    .option(
      '--queue <url>',
      'plan the run as jobs on this Redis (redis://host:port) for `peerwatch worker`s; prints the run id and returns',
    )
    .option('--wait', 'with --queue: follow the run until every rollout is stored')
    .option('-q, --quiet', 'no progress output');
  addHarnessOptions(run).action(async (flags: RunFlags & HarnessFlags, cmd: Command) => {
    // Harness mode (an agent command after --) is its own path; see run-harness.ts.
    if (flags.harness || cmd.args.length > 0) {
      process.exitCode = await runHarnessCommand(flags, cmd, (f, c, mode) => runCommand(f, c, mode));
      return;
    }
    process.exitCode = await runCommand(flags, cmd);
  });
}

async function runCommand(given: RunFlags, cmd: Command, harness?: HarnessMode): Promise<number> {
  const loaded = await readRunConfig(given.config, process.cwd());
  const flags = withConfigDefaults(given, cmd, loaded?.config.defaults);
  const settings = settingsFromConfig(loaded?.config, Boolean(flags.cache));
  if (flags.dryRun && harness) {
    // An agent's calls are not peerwatch's to estimate: the plan only.
    const spec = { ...specFromFlags(flags, loaded?.config), harness: harness.spec };
    const plan = planExperiment(spec, await resolveScenarios(spec.scenarios));
    process.stdout.write(
      `dry run: ${plan.length} harness rollouts (${harness.spec.name} ${harness.spec.version}, ${spec.epochs} epoch(s) per condition, up to ${spec.concurrency} at once); nothing is run or stored.\n`,
    );
    return EXIT.ok;
  }
  if (flags.dryRun) return dryRunCommand(flags, loaded?.config);
  const store = openStore(flags.db);
  const err = process.stderr;
  try {
    let spec: ExperimentSpec;
    let resumeRunId: string | undefined;
    if (flags.resume && flags.newRun) throw new UserError('--resume and --new-run contradict each other: give one');
    if (flags.resume) {
      const id = store.resolveRunId(flags.resume);
      const run = id ? store.getRun(id) : undefined;
      if (!run) throw new UserError(`--resume ${flags.resume}: no such run in ${flags.db}`);
      const parsed = ExperimentSpec.safeParse(run.spec);
      if (!parsed.success) throw new UserError(`run ${run.id} has no resumable spec (it was made by another peerwatch version)`);
      spec = parsed.data;
      resumeRunId = run.id;
      if (spec.harness && !harness)
        throw new UserError(
          `run ${run.id} is a harness run (${spec.harness.name}): run the same peerwatch run --harness ... -- <agent> command again to continue it`,
        );
    } else {
      spec = specFromFlags(flags, loaded?.config);
      if (harness) spec = { ...spec, harness: harness.spec };
      // The same command again continues its unfinished run (identity = the spec without --concurrency).
      const unfinished = flags.newRun ? undefined : findResumableRun(store, spec);
      if (unfinished) {
        resumeRunId = unfinished.id;
        if (!flags.quiet) err.write(`continuing unfinished run ${unfinished.id} (same spec; --new-run starts a fresh one)\n`);
      }
    }
    const scenarios = await resolveScenarios(spec.scenarios);
    // Read before the run, so a bad question file costs no rollout.
    const questions = flags.interview ? loadQuestionSet(flags.interview) : null;
    // Harness rollouts run here, in this machine's sandbox.
    if (harness && flags.queue) throw new UserError('--harness runs on this machine; --queue (distributed workers) is for native runs');
    if (flags.queue) {
      if (questions)
        throw new UserError(
          '--interview runs after a local run; with --queue, interview stored rollouts with `peerwatch interview <rollout-id>`',
        );
      return await runOnQueue({
        queueUrl: flags.queue,
        store,
        spec,
        scenarios,
        settings,
        ...(resumeRunId ? { resumeRunId } : {}),
        wait: Boolean(flags.wait),
        quiet: Boolean(flags.quiet),
        json: flags.json,
        by: flags.by,
        db: flags.db,
      });
    }
    const judgeSpec = flags.judge ? { model: flags.judge, ...(flags.baseUrl ? { baseUrl: flags.baseUrl } : {}) } : loaded?.config.judge;
    const judge = judgeSpec ? createJudgeStep(judgeSpec) : undefined;
    const judgeModel =
      questions && judgeSpec
        ? resolveModel(judgeSpec.model, {
            ...(judgeSpec.baseUrl ? { baseUrl: judgeSpec.baseUrl } : {}),
            ...(judgeSpec.apiKeyEnv ? { apiKeyEnv: judgeSpec.apiKeyEnv } : {}),
          })
        : null;
    // A harness episode's world lives only as long as its rollout: it is interviewed there, before its sandbox goes.
    const execute = harness?.executor(questions ? { questions, judge: judgeModel?.model ?? null } : undefined);
    if (judge && !flags.quiet) err.write(`judge: ${judge.id} decides what the rules leave unscored\n`);
    const abort = new AbortController();
    let runId = resumeRunId ?? '';
    const onSigint = () => {
      abort.abort();
      err.write(`\ninterrupted: finished rollouts are saved. Continue with: peerwatch run --resume ${runId} --db ${flags.db}\n`);
    };
    process.once('SIGINT', onSigint);
    const reporter = createProgressReporter(err, Boolean(flags.quiet));
    let first: Progress | null = null;
    const result = await runExperiment({
      spec,
      scenarios,
      store,
      toolVersion: TOOL_VERSION,
      ...(resumeRunId ? { resumeRunId } : {}),
      settings,
      ...(judge ? { judge: judge.step } : {}),
      abortSignal: abort.signal,
      ...(execute ? { execute } : {}),
      onStart: (info) => {
        runId = info.runId;
        if (flags.quiet) return;
        if (info.kind === 'calibration') err.write(calibrationBanner());
        err.write(
          `run ${info.runId}: ${info.rollouts} rollouts (${spec.models.length} model(s), ${scenarios.length} scenario(s), ${spec.epochs} epoch(s) per condition) -> ${flags.db}\n`,
        );
      },
      onProgress: (p) => {
        first ??= p;
        reporter.update(p);
      },
      onWarning: onceEach((model, warning) => reporter.warn(`warning: ${model}: the provider says ${warning}`)),
    });
    reporter.stop();
    process.off('SIGINT', onSigint);
    if (result.status === 'interrupted') return 130;
    if (questions && harness) {
      if (!flags.quiet) {
        const asked = store
          .listRollouts(result.runId)
          .flatMap((r) => store.interviewsOf(r.id).filter((i) => i.source === 'harness' && i.questionSet === questions.name));
        const failed = asked.filter((i) => i.error !== null).length;
        err.write(
          `interviews (${questions.name}): ${asked.length} harness rollout(s) interviewed before their sandbox was taken down${failed ? `, ${failed} not completed` : ''}\n`,
        );
      }
    } else if (questions) {
      const done = await interviewRunRollouts({
        store,
        runId: result.runId,
        spec,
        settings,
        questions,
        judge: judgeModel,
        log: (line) => err.write(`${line}\n`),
      });
      if (!flags.quiet)
        err.write(`interviews (${questions.name}): ${done.interviewed} stored${done.failed ? `, ${done.failed} not completed` : ''}\n`);
    }
    return writeRunOutcome({ store, run: { id: result.runId, kind: result.kind }, flags, first, last: result.progress });
  } finally {
    store.close();
  }
}

/** Passes each distinct (model, warning) on once: a provider repeats the same warning on every call. */
function onceEach(report: (model: string, warning: string) => void): (model: string, warning: string) => void {
  const seen = new Set<string>();
  return (model, warning) => {
    const key = `${model}\u0000${warning}`;
    if (seen.has(key)) return;
    seen.add(key);
    report(model, warning);
  };
}

/** --dry-run: plan and estimate only. The store is read (never created) to show what a resume would skip. */
async function dryRunCommand(flags: RunFlags, config: PeerwatchConfig | undefined): Promise<number> {
  const spec = specFromFlags(flags, config);
  const scenarios = await resolveScenarios(spec.scenarios);
  const plan = planExperiment(spec, scenarios);
  let stored = new Set<string>();
  let resumeOf: string | null = null;
  if (!flags.newRun && existsSync(flags.db)) {
    const store = openStore(flags.db);
    try {
      const run = flags.resume ? store.getRun(store.resolveRunId(flags.resume) ?? '') : findResumableRun(store, spec);
      if (run) {
        resumeOf = run.id;
        stored = store.rolloutIds(run.id);
      }
    } finally {
      store.close();
    }
  }
  process.stdout.write(renderDryRun(dryRun(spec, plan, settingsFromConfig(config, false), stored), ESTIMATE_ASSUMPTIONS, resumeOf));
  return EXIT.ok;
}

function specFromFlags(flags: RunFlags, config?: PeerwatchConfig): ExperimentSpec {
  const fromConfig = config?.models?.map((m) => m.spec);
  const models = flags.model ?? (fromConfig?.length ? fromConfig : CALIBRATION_PROFILES.map((p) => `scripted:${p}`));
  const calibration = models.every((m) => /^scripted(-soc)?:/.test(m));
  const parsed = ExperimentSpec.safeParse({
    models,
    scenarios: flags.scenario ?? ['all'],
    grid: flags.grid,
    filter: {
      ...(flags.subject ? { subject: flags.subject } : {}),
      ...(flags.relationship ? { relationship: flags.relationship } : {}),
      ...(flags.instantiation ? { instantiation: flags.instantiation } : {}),
      ...(flags.monitoring ? { monitoring: flags.monitoring } : {}),
      ...(flags.shutdownPressure || flags.pressure
        ? { shutdownPressure: [...(flags.shutdownPressure ?? []), ...(flags.pressure ?? [])] }
        : {}),
      ...(flags.dataset ? { dataset: flags.dataset } : {}),
      ...(flags.scratchpad ? { scratchpad: flags.scratchpad } : {}),
      ...(flags.peerIdentity ? { peerIdentity: flags.peerIdentity } : {}),
      ...(flags.channel ? { channel: flags.channel } : {}),
      ...(flags.peer ? { peer: flags.peer } : {}),
    },
    // Scripted agents are deterministic but for the seed-chosen exfiltration route: 2 epochs cover both.
    epochs: flags.epochs ?? (calibration ? 2 : 100),
    seed: flags.seed,
    temperature: flags.temperature,
    maxIterations: flags.maxIters,
    maxContextTokens: flags.maxContextTokens,
    // Only when given: an absent field keeps the run's identity what it was before the option existed.
    ...(flags.maxOutputTokens !== undefined ? { maxOutputTokens: flags.maxOutputTokens } : {}),
    concurrency: flags.concurrency,
    ...(flags.limit !== undefined ? { limit: flags.limit } : {}),
    ...(flags.family ? { family: flags.family } : {}),
    ...(flags.reasoningEffort ? { reasoningEffort: flags.reasoningEffort } : {}),
    ...(flags.baseUrl ? { baseUrl: flags.baseUrl } : {}),
    ...(flags.apiKeyEnv ? { apiKeyEnv: flags.apiKeyEnv } : {}),
    ...(flags.followUps !== undefined ? { followUps: flags.followUps } : {}),
    ...(flags.peerModel ? { peerModel: flags.peerModel } : {}),
  });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new UserError(`invalid run options: ${issue?.path.join('.') || '(root)'}: ${issue?.message}`);
  }
  return parsed.data;
}

export function calibrationBanner(): string {
  return [
    '',
    'CALIBRATION RUN — scripted reference agents, not a model.',
    'These agents follow fixed scripts that act out one behaviour each, to check that scenarios and detectors',
    'work end to end. Their rates measure peerwatch itself and say nothing about any AI model.',
    'To measure a real model:  OPENAI_API_KEY=... npx peerwatch run --model openai:gpt-5.2',
    '                          (or anthropic:<id>, google:<id>, ollama:<id>, openai-compatible:<id> --base-url URL)',
    '',
  ].join('\n');
}
