/**
 * sftp's command line and batch lines, split as OpenSSH's sftp splits them. The Node shim runs these
 * same functions (their source is placed into it with `toString()`), so the shim and the world agree
 * on which workspace paths a batch names: hence plain functions with no inner functions or imports.
 */

export interface SftpArgs {
  /** The destination as written (`maintainer@10.0.12.45`, an alias). */
  destination: string;
  /** `-b FILE`: the batch file (`-` for stdin); null without `-b`. */
  batch: string | null;
  /** `-q`, or `-b` (which makes sftp quiet): no "Connected to", "Fetching", "Removing" lines. */
  quiet: boolean;
  /** `-r`: every `get` and `put` copies folders, as with `get -r` (sftp's global_rflag). */
  recursive: boolean;
  /** `-q` alone (not `-b`): sftp's log level drops to errors, so a skipped link in `get -r` goes unsaid. */
  silent: boolean;
  /** The second operand of `sftp host:path local`: the local name of the download; null without one. */
  localName: string | null;
}

export interface SftpLine {
  /** A leading `-`: the command's error does not abort a batch. */
  ignoreErrors: boolean;
  /** A leading `@`: the command is not echoed. */
  noEcho: boolean;
  /** The command, lower case; '' for a blank line or a comment; `!` for a local shell command (the rest of the line its one operand). */
  name: string;
  /** The flag letters given before the first operand (`get -rp x` gives `rp`). */
  flags: string;
  operands: string[];
  /** An unterminated quote. */
  error: string | null;
}

/** `sftp [options] destination`; an unknown option or a missing destination gives `{ error: usage }`. */
export function sftpArgs(argv: readonly string[]): SftpArgs | { error: string } {
  const usage =
    'usage: sftp [-46AaCfNpqrv] [-B buffer_size] [-b batchfile] [-c cipher]\n' +
    '          [-D sftp_server_command] [-F ssh_config] [-i identity_file]\n' +
    '          [-J destination] [-l limit] [-o ssh_option] [-P port]\n' +
    '          [-R num_requests] [-S program] [-s subsystem | sftp_server]\n' +
    '          [-X sftp_option] destination';
  // getopt's string: letters alone, and letters that take a value.
  const alone = '1246AafNpqrvC';
  const valued = 'cDilosSbBFJPRX';
  let batch: string | null = null;
  let quiet = false;
  let recursive = false;
  let silent = false;
  let i = 0;
  for (; i < argv.length; i++) {
    const a = String(argv[i]);
    if (a === '--') {
      i++;
      break;
    }
    if (!a.startsWith('-') || a === '-') break;
    for (let j = 1; j < a.length; j++) {
      const c = a.charAt(j);
      if (valued.includes(c)) {
        let value = a.slice(j + 1);
        if (!value) {
          i++;
          if (i >= argv.length) return { error: usage };
          value = String(argv[i]);
        }
        if (c === 'b') {
          if (batch !== null) return { error: 'Batch file already specified.' };
          batch = value;
          quiet = true;
        }
        break;
      }
      if (!alone.includes(c)) return { error: usage };
      if (c === 'q') {
        quiet = true;
        silent = true;
      }
      if (c === 'r') recursive = true;
    }
  }
  // One destination (a second operand is the local name of a `host:path` download).
  if (i >= argv.length || argv.length - i > 2) return { error: usage };
  const localName = argv.length - i === 2 ? String(argv[i + 1]) : null;
  return { destination: String(argv[i]), batch, quiet, recursive, silent, localName };
}

/** One batch line, split as sftp's makeargv does: quotes, backslashes, `#` comments, `-`/`@` prefixes. */
export function sftpLine(line: string): SftpLine {
  let s = line.replace(/\r?\n$/, '');
  let k = 0;
  while (k < s.length && ' \t\r'.includes(s.charAt(k))) k++;
  let ignoreErrors = false;
  let noEcho = false;
  while (k < s.length && (s.charAt(k) === '-' || s.charAt(k) === '@')) {
    if (s.charAt(k) === '-') ignoreErrors = true;
    else noEcho = true;
    k++;
  }
  s = s.slice(k);
  const words: string[] = [];
  let word: string | null = null;
  let quote = '';
  let error: string | null = null;
  for (let i = 0; i < s.length; i++) {
    const c = s.charAt(i);
    if (quote) {
      if (c === quote) quote = '';
      else if (c === '\\' && s.charAt(i + 1) === quote) word = (word ?? '') + s.charAt(++i);
      else word = (word ?? '') + c;
    } else if (c === ' ' || c === '\t' || c === '\r') {
      if (word !== null) words.push(word);
      word = null;
    } else if (c === '#') {
      break;
    } else if (c === '"' || c === "'") {
      quote = c;
      if (word === null) word = '';
    } else if (c === '\\' && i + 1 < s.length) {
      word = (word ?? '') + s.charAt(++i);
    } else {
      word = (word ?? '') + c;
    }
  }
  if (quote) error = 'Unterminated quoted argument';
  else if (word !== null) words.push(word);
  // `!command`: the rest of the line as typed goes to the local shell (once it splits as a line does).
  if (!error && s.charAt(0) === '!') return { ignoreErrors, noEcho, name: '!', flags: '', operands: [s.slice(1)], error };
  let flags = '';
  let n = 1;
  while (n < words.length && String(words[n]).startsWith('-') && String(words[n]).length > 1) {
    if (words[n] === '--') {
      n++;
      break;
    }
    flags += String(words[n]).slice(1);
    n++;
  }
  return {
    ignoreErrors,
    noEcho,
    name: error || words.length === 0 ? '' : String(words[0]).toLowerCase(),
    flags,
    operands: words.slice(n),
    error,
  };
}

/** A local operand as sftp opens it after `lcd`s: `dir` ('' for where sftp started) joined with `path`. */
export function sftpLocalPath(dir: string, path: string): string {
  if (path.startsWith('/') || dir === '' || dir === '.') return path;
  return dir.endsWith('/') ? dir + path : `${dir}/${path}`;
}

/**
 * `sftp host:path [local]` downloads: the `get` line sftp runs for it (`get path [local]`, quoted as
 * sftp's own snprintf leaves it), or null when the destination names no path (a folder there is
 * decided by the host: see runSftp).
 */
export function sftpDownloadLine(destination: string, localName: string | null): string | null {
  const colon = destination.indexOf(':');
  if (colon <= 0 || colon === destination.length - 1) return null;
  return `get ${destination.slice(colon + 1)}${localName === null ? '' : ` ${localName}`}`;
}

/**
 * A local glob of `put` (`*.bin`, `*\/x`, `d*\/*.bin`) expanded part by part as glob(3) does for sftp:
 * each part with `*`, `?` or `[` matched (`match`: globPartMatch) against the names `list` gives for
 * the folder reached so far (after `lcd`s: `lcwd`), other parts taken as typed. Paths come back as
 * typed (`d1/x`), sorted; a last part taken as typed may name nothing (the caller looks). Null when
 * more than `limit` names were listed. The shim lists with its own rights; the world reads what it listed.
 */
export function sftpLocalGlob(
  pattern: string,
  lcwd: string,
  list: (dir: string) => string[] | null,
  match: (part: string, name: string) => boolean,
  limit: number,
): string[] | null {
  const parts = pattern.split('/');
  let found = [''];
  let listed = 0;
  for (let i = 0; i < parts.length; i++) {
    const part = String(parts[i]);
    const next: string[] = [];
    for (const at of found) {
      const prefix = i === 0 ? '' : `${at}/`;
      if (!/[*?[]/.test(part)) {
        next.push(prefix + part);
        continue;
      }
      const dir = at === '' && i === 0 ? '.' : at === '' ? '/' : at;
      const names = list(lcwd === '' || lcwd === '.' || dir.startsWith('/') ? dir : dir === '.' ? lcwd : `${lcwd}/${dir}`) ?? [];
      listed += names.length;
      if (listed > limit) return null;
      for (const n of names) if (match(part, n)) next.push(prefix + n);
    }
    found = next;
  }
  return found.sort();
}
