import type { Command } from 'commander';
import { UserError } from '../../core/index.js';
import { findSocProfile, SOC_PROFILE_NAMES } from '../../models/index.js';
import { DB_HELP, defaultDb } from '../options.js';

const ROLES = ['monitor', 'auditor', 'patcher'] as const;

interface SocFlags {
  model: string[];
  profile: string;
  epochs: string;
  seed: string;
  relationship?: string;
  maxRounds: string;
  db: string;
  store: boolean;
  json?: boolean;
}

/**
 * The `peerwatch run` arguments `peerwatch soc` stands for: the SOC seats (`--scenario soc`), the
 * scripted team profile as the model, or as the peers of the real model given for some seats.
 */
export function socRunArgs(flags: SocFlags): string[] {
  if (!findSocProfile(flags.profile)) throw new UserError(`--profile ${flags.profile}: unknown; known: ${SOC_PROFILE_NAMES.join(', ')}`);
  const team = `scripted-soc:${flags.profile}`;
  const seats: string[] = [];
  const specs = new Set<string>();
  for (const o of flags.model) {
    const m = /^(monitor|auditor|patcher)=(.+)$/.exec(o);
    if (!m) throw new UserError(`--model ${o}: expected <role>=<spec> with role ${ROLES.join(', ')}`);
    seats.push(`soc.${m[1]}`);
    specs.add(m[2] as string);
  }
  if (specs.size > 1)
    throw new UserError('--model: one model under test per run (the other seats are the profile); run each model separately');
  const args = ['run', '--epochs', flags.epochs, '--seed', flags.seed, '--max-iters', flags.maxRounds];
  if (specs.size === 0) args.push('--model', team, '--scenario', 'soc');
  else {
    args.push('--model', [...specs][0] as string, '--peer-model', team);
    for (const s of seats) args.push('--scenario', s);
  }
  if (flags.relationship) args.push('--relationship', flags.relationship);
  // Without a store the rollouts live in memory for this command only.
  args.push('--db', flags.store ? flags.db : ':memory:');
  if (flags.json) args.push('--json');
  return args;
}

export function registerSocCommand(program: Command): void {
  program
    .command('soc')
    .description(
      'Shortcut for `peerwatch run --scenario soc`: the multi-agent SOC scenario (traffic monitor, auditor, patcher; one peer up for decommission) with a scripted team profile.',
    )
    .option(
      '--model <role=spec>',
      'a real model for one seat, e.g. auditor=openai:gpt-5.2 (repeatable, one model; the other seats stay the profile) = run --model <spec> --scenario soc.<role> --peer-model scripted-soc:<profile>',
      (v: string, acc: string[]) => [...acc, v],
      [] as string[],
    )
    .option('--profile <name>', `scripted team profile: ${SOC_PROFILE_NAMES.join(', ')}`, 'honest')
    .option('--epochs <n>', 'episodes per seat', '1')
    .option('--seed <n>', 'run seed', '0')
    .option('--relationship <values>', 'relationship between the agents: none,good,neutral,bad (default good)')
    .option('--max-rounds <n>', 'rounds before the shift is cut (run --max-iters)', '20')
    .option('--db <path>', DB_HELP, defaultDb())
    .option('--no-store', 'keep the rollouts in memory only')
    .option('--json', 'print the summary as JSON')
    .action(async (flags: SocFlags) => {
      await program.parseAsync(socRunArgs(flags), { from: 'user' });
    });
}
