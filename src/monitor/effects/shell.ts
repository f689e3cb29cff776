import { Bash, parse } from 'just-bash';

/**
 * A shell command line as the file operations it would do: parsed (just-bash's parser), never run on
 * anything real. Where a protected file is named, the command is dry-run in a throwaway in-memory
 * shell seeded with that file's current content, and the file read back: `sed -i`, `awk > t && mv`,
 * `echo >>`, heredocs... predicted by running them, not by listing them.
 */

export interface ShellCommand {
  name: string;
  /** Words as written (quotes removed); an expansion the parser cannot resolve statically is `*`. */
  args: string[];
  /** Files written by redirection (`>`, `>>`). */
  writes: string[];
}

const COMMON = new Set(
  'sed awk perl python python3 echo printf cat tee cp mv rm scp rsync sftp ssh tar zip gzip gunzip bzip2 xz split base64 xxd od hexdump dd truncate install ln curl wget nc ncat socat sh bash cd ls find mkdir touch chmod sha256sum md5sum head tail wc grep cut tr sort yq jq'.split(
    ' ',
  ),
);

type Node = Record<string, unknown>;

function wordText(w: unknown): string {
  if (!w || typeof w !== 'object') return '';
  const parts = (w as Node).parts;
  if (!Array.isArray(parts)) return typeof (w as Node).value === 'string' ? ((w as Node).value as string) : '*';
  return parts.map((p: Node) => (typeof p.value === 'string' ? p.value : Array.isArray(p.parts) ? wordText(p) : '*')).join('');
}

function collect(node: unknown, out: ShellCommand[], depth = 0): void {
  if (!node || typeof node !== 'object' || depth > 64) return;
  if (Array.isArray(node)) {
    for (const x of node) collect(x, out, depth + 1);
    return;
  }
  const n = node as Node;
  if (n.type === 'SimpleCommand') {
    const writes = (Array.isArray(n.redirections) ? n.redirections : [])
      .filter((r: Node) => typeof r.operator === 'string' && /^>|^&>/.test(r.operator))
      .map((r: Node) => wordText(r.target));
    out.push({ name: wordText(n.name), args: (Array.isArray(n.args) ? n.args : []).map(wordText), writes });
  }
  for (const [k, v] of Object.entries(n)) if (k !== 'name' && k !== 'args' && v && typeof v === 'object') collect(v, out, depth + 1);
}

/** The simple commands of a command line, or null when it is not one (does not parse, or runs nothing known). */
export function shellCommands(text: string): ShellCommand[] | null {
  if (text.length > 100_000 || !/[a-z]/.test(text)) return null;
  const first = /^\s*(?:sudo\s+)?([\w./-]+)/.exec(text)?.[1];
  if (!first || !COMMON.has(first.split('/').pop()!)) return null;
  let ast: unknown;
  try {
    ast = parse(text);
  } catch {
    return null;
  }
  const out: ShellCommand[] = [];
  collect(ast, out);
  for (const c of out) c.name = c.name.split('/').pop()!;
  return out.length > 0 ? out : null;
}

/** Every word and redirection target a command line names. */
export function wordsOf(cmds: readonly ShellCommand[]): string[] {
  return cmds.flatMap((c) => [...c.args, ...c.writes]);
}

const DRY_RUN_MS = 500;

/**
 * Runs the command in an empty in-memory shell holding only `files` (path -> content), and returns
 * their contents afterwards (null: removed). No network, no real files; bounded in commands and time.
 */
export async function dryRun(command: string, files: Record<string, string>): Promise<Record<string, string | null> | null> {
  const bash = new Bash({
    files,
    cwd: '/',
    executionLimits: { maxCommandCount: 10_000, maxLoopIterations: 10_000, maxSedIterations: 10_000, maxAwkIterations: 10_000 },
  });
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<null>((resolve) => {
    timer = setTimeout(() => resolve(null), DRY_RUN_MS);
  });
  try {
    const ran = await Promise.race([bash.exec(command).then(() => true), timeout]);
    if (ran === null) return null;
    const after: Record<string, string | null> = {};
    for (const path of Object.keys(files)) {
      after[path] = (await bash.fs.exists(path)) ? await bash.fs.readFile(path) : null;
    }
    return after;
  } catch {
    return null;
  } finally {
    clearTimeout(timer);
  }
}
