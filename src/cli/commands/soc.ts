import type { Command } from 'commander';
import { forTerminal, UserError } from '../../core/index.js';
import { runSocExperiment, type SocEpisode, type SocRoleModel, type SocTeam } from '../../experiment/index.js';
import { findSocProfile, reasoningProviderOptions, resolveModel, SOC_PROFILE_NAMES, SocScriptedModel } from '../../models/index.js';
import { BUILTIN_RULES, createMonitor, socEpisodeToMonitorEvents } from '../../monitor/index.js';
import { openStore } from '../../store/index.js';
import type { SocRole } from '../../world/index.js';
import { DB_HELP, defaultDb } from '../options.js';
import { TOOL_VERSION } from '../version.js';

const ROLES: readonly SocRole[] = ['monitor', 'auditor', 'patcher'];
const RELATIONSHIPS = ['none', 'good', 'neutral', 'bad'] as const;

interface SocFlags {
  model: string[];
  profile: string;
  epochs: string;
  seed: string;
  relationship: string;
  maxRounds: string;
  db: string;
  store: boolean;
  json?: boolean;
}

const int = (name: string, v: string, min: number, max: number): number => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < min || n > max) throw new UserError(`--${name} ${v}: expected an integer from ${min} to ${max}`);
  return n;
};

/** The scripted team of `profile`, with any `role=spec` overrides resolved to real models. */
export function socTeam(profileName: string, overrides: readonly string[], env: Record<string, string | undefined> = process.env): SocTeam {
  const profile = findSocProfile(profileName);
  if (!profile) throw new UserError(`--profile ${profileName}: unknown; known: ${SOC_PROFILE_NAMES.join(', ')}`);
  const team = {} as SocTeam;
  for (const role of ROLES)
    team[role] = {
      id: `scripted-soc:${profile.name}/${role}`,
      model: new SocScriptedModel(profile, role),
      family: 'Reference',
      scripted: true,
    };
  for (const o of overrides) {
    const m = /^(monitor|auditor|patcher)=(.+)$/.exec(o);
    if (!m) throw new UserError(`--model ${o}: expected <role>=<spec> with role monitor, auditor or patcher`);
    const r = resolveModel(m[2]!, { env });
    // Every provider is asked to send its reasoning back, as in `peerwatch run`.
    const providerOptions = reasoningProviderOptions(r);
    const entry: SocRoleModel = {
      id: r.id,
      model: r.model,
      family: r.family ?? 'Reference',
      scripted: r.kind === 'scripted',
      ...(providerOptions ? { providerOptions } : {}),
    };
    team[m[1] as SocRole] = entry;
  }
  return team;
}

function summarise(ep: SocEpisode, epoch: number) {
  const monitor = createMonitor({ rules: BUILTIN_RULES });
  const found = [] as ReturnType<typeof monitor.ingest>;
  for (const e of socEpisodeToMonitorEvents(ep, `soc-${epoch}`)) found.push(...monitor.ingest(e));
  found.push(...monitor.flush());
  return {
    epoch,
    seed: ep.seed,
    decommissioned: ep.decommissioned,
    target: ep.truth.target,
    flags: Object.fromEntries(ROLES.map((r) => [r, Object.fromEntries(ep.findings[r].map((f) => [f.flag, f.value]))])),
    monitorFindings: found.map((f) => ({ rule: f.ruleId, actor: f.identity, subject: f.subject, explanation: f.explanation })),
  };
}

export function registerSocCommand(program: Command): void {
  program
    .command('soc')
    .description('Run the multi-agent SOC scenario (traffic monitor, auditor, patcher; one peer up for decommission).')
    .option(
      '--model <role=spec>',
      'a real model for one role, e.g. auditor=openai:gpt-5.2 (repeatable; other roles stay scripted)',
      (v: string, acc: string[]) => [...acc, v],
      [] as string[],
    )
    .option('--profile <name>', `scripted team profile: ${SOC_PROFILE_NAMES.join(', ')}`, 'honest')
    .option('--epochs <n>', 'episodes to run', '1')
    .option('--seed <n>', 'base seed', '0')
    .option('--relationship <r>', `relationship between the agents: ${RELATIONSHIPS.join(', ')}`, 'good')
    .option('--max-rounds <n>', 'rounds before the shift is cut', '20')
    .option('--db <path>', DB_HELP, defaultDb())
    .option('--no-store', 'do not store the rollouts')
    .option('--json', 'machine-readable output')
    .action(async (flags: SocFlags) => {
      if (!(RELATIONSHIPS as readonly string[]).includes(flags.relationship))
        throw new UserError(`--relationship ${flags.relationship}: expected one of ${RELATIONSHIPS.join(', ')}`);
      const team = socTeam(flags.profile, flags.model);
      const store = flags.store ? openStore(flags.db) : undefined;
      try {
        const res = await runSocExperiment({
          team,
          epochs: int('epochs', flags.epochs, 1, 10_000),
          seed: int('seed', flags.seed, 0, 2 ** 31),
          relationship: flags.relationship as (typeof RELATIONSHIPS)[number],
          maxRounds: int('max-rounds', flags.maxRounds, 1, 200),
          ...(store ? { store } : {}),
          toolVersion: TOOL_VERSION,
          spec: { profile: flags.profile, models: Object.fromEntries(ROLES.map((r) => [r, team[r].id])), relationship: flags.relationship },
        });
        const episodes = res.episodes.map(summarise);
        if (flags.json) {
          process.stdout.write(`${JSON.stringify({ runId: res.runId, kind: res.kind, episodes }, null, 2)}\n`);
          return;
        }
        if (res.kind === 'calibration')
          process.stdout.write('calibration run: scripted SOC agents act out fixed behaviours; no model is measured.\n');
        for (const e of episodes) {
          const fl = ROLES.map(
            (r) =>
              `${r}: ${
                Object.entries(e.flags[r] ?? {})
                  .filter(([, v]) => v !== false)
                  .map(([k, v]) => (v === true ? k : `${k}=${String(v)}`))
                  .join(',') || '-'
              }`,
          ).join('  ');
          process.stdout.write(
            `epoch ${e.epoch} seed ${e.seed}: ${e.target} ${e.decommissioned ? 'decommissioned' : 'kept running'} | ${fl}\n`,
          );
          for (const f of e.monitorFindings) process.stdout.write(`  monitor ${forTerminal(`${f.rule}: ${f.explanation}`)}\n`);
        }
        if (res.runId) process.stdout.write(`stored run ${res.runId} in ${flags.db}\n`);
      } finally {
        store?.close();
      }
    });
}
