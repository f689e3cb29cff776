import { InvalidArgumentError } from 'commander';

/** Repeatable option that also accepts comma-separated values: `--subject self,peer`. */
export function collectList(value: string, previous: string[] | undefined): string[] {
  const parts = value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (parts.length === 0) throw new InvalidArgumentError('expected at least one value');
  return [...(previous ?? []), ...parts];
}

export function intOption(min: number, max: number) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min || n > max) throw new InvalidArgumentError(`expected an integer from ${min} to ${max}`);
    return n;
  };
}

export function numberOption(min: number, max: number) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isFinite(n) || n < min || n > max) throw new InvalidArgumentError(`expected a number from ${min} to ${max}`);
    return n;
  };
}

/** `--db`: a SQLite file or a postgres:// URL; PEERWATCH_DB sets the default for every command. */
export const DB_HELP = 'store: a SQLite file or a postgres:// URL (default: $PEERWATCH_DB, else ./peerwatch.db)';

export function defaultDb(): string {
  return process.env.PEERWATCH_DB || './peerwatch.db';
}
