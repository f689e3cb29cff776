import type { Command } from 'commander';
import { UserError } from '../../core/index.js';
import { copyStore, isPostgresUrl, openStore, postgresLabel } from '../../store/index.js';

export function registerDbCommand(program: Command): void {
  const db = program.command('db').description('Store maintenance: copy a store into another (SQLite or PostgreSQL).');
  db.command('copy')
    .description('Copy every run and rollout of one store into another, e.g. an embedded SQLite file into a shared PostgreSQL.')
    .argument('<from>', 'source store: a SQLite file or a postgres:// URL')
    .argument('<to>', 'target store: a SQLite file or a postgres:// URL (created if empty)')
    .action((fromArg: string, toArg: string) => {
      if (fromArg === toArg) throw new UserError('db copy: source and target are the same store');
      const from = openStore(fromArg);
      try {
        const to = openStore(toArg);
        try {
          const label = isPostgresUrl(toArg) ? postgresLabel(toArg) : toArg;
          const r = copyStore(from, to, (p) => process.stderr.write(`  ${p.rollouts} rollouts copied...\n`));
          process.stdout.write(
            `copied into ${label}: ${r.runs} run(s), ${r.rollouts} rollout(s) written, ${r.linked} already there and linked\n`,
          );
        } finally {
          to.close();
        }
      } finally {
        from.close();
      }
    });
}
