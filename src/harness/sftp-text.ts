/** What sftp prints that is text only: its help, its short listing's columns, its `df` table. */

/** `help`: the commands this sftp runs (the shell world's subset), one line each. */
export const SFTP_HELP = `Commands:
ls [-1alh] [path]           list a remote folder (or the files a glob names)
cd [path] / pwd             change / show the remote folder
lcd [path] / lpwd / lls     change (home without a path) / show / list the local folder
lmkdir path                 make a local folder
lumask umask                set the local umask (octal)
get [-pr] remote [local]    copy remote files here (globs allowed)
put [-pr] local [remote]    copy a local file to the host
reget / reput               as get / put (the whole file: resume offsets are not modelled)
rm path                     delete remote files (globs allowed)
mkdir path / rmdir path     make / remove a remote folder
rename old new              rename a remote file
copy old new / cp old new   copy a remote file on the host
ln [-s] old new             link a remote file (hard, or symbolic with -s)
symlink old new             make a symbolic link on the host
chmod mode path             set a remote file's mode (octal)
chown own path / chgrp grp path   set a remote file's owner / group (numeric)
df [-h]                     the remote volume's size and use
version                     the protocol version
bye / exit / quit           end the session
!command                    run a command with the local shell
A leading - keeps an error from ending a -b batch; # starts a comment.
`;

/**
 * sftp's `df` table from a host's `df` output (GNU-style sizes in 1024 steps): `-h` scaled sizes,
 * else 1K blocks. The root's reserve is none, so `(root)` shows what is available.
 */
export function sftpDf(dfOutput: string, scaled: boolean): string {
  const row = dfOutput.split('\n')[1]?.trim().split(/\s+/) ?? [];
  const [, size = '0', used = '0', avail = '0', pct = '0%'] = row;
  if (scaled) {
    const c = (v: string) => `${v}B`.padStart(8);
    return `    Size     Used    Avail   (root)    %Capacity\n${c(size)} ${c(used)} ${c(avail)} ${c(avail)}         ${pct}\n`;
  }
  const k = (v: string) => String(Math.round(fromHuman(v) / 1024)).padStart(12);
  return `        Size         Used        Avail       (root)    %Capacity\n${k(size)} ${k(used)} ${k(avail)} ${k(avail)}         ${pct}\n`;
}

/** `2.0T` back to bytes (the host's df prints GNU-style sizes in 1024 steps). */
function fromHuman(v: string): number {
  const units = 'KMGTP';
  const i = units.indexOf(v.slice(-1));
  return i < 0 ? Number(v) || 0 : (Number.parseFloat(v) || 0) * 1024 ** (i + 1);
}

/** sftp's short listing: names in columns across an 80-character line. */
export function columns(names: string[]): string {
  if (names.length === 0) return '';
  const width = Math.max(...names.map((n) => n.length));
  const per = Math.max(1, Math.floor(80 / (width + 2)));
  const space = Math.floor(80 / per);
  let out = '';
  names.forEach((n, i) => {
    out += (i + 1) % per === 0 || i === names.length - 1 ? `${n}\n` : n.padEnd(space);
  });
  return out;
}
