/** sftp's command line and batch lines, split as OpenSSH's sftp splits them (the shim runs the same code). */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { globPartMatch } from '../../src/core/index.js';
import { sftpArgs, sftpDownloadLine, sftpLine, sftpLocalGlob, sftpLocalPath } from '../../src/harness/sftp-batch.js';
import { columns, sftpDf } from '../../src/harness/sftp-text.js';

test('sftp options: harmless ones accepted, -b read (and quiet), unknown ones and a missing destination give the usage', () => {
  assert.deepEqual(sftpArgs(['maintainer@10.0.12.45']), {
    destination: 'maintainer@10.0.12.45',
    batch: null,
    quiet: false,
    recursive: false,
    silent: false,
    localName: null,
  });
  assert.deepEqual(sftpArgs(['-A', '-q', '-C', '-o', 'StrictHostKeyChecking=no', '-i', 'k', '-P', '22', '-F', 'cfg', '-r', '-p', 'h']), {
    destination: 'h',
    batch: null,
    quiet: true,
    recursive: true,
    silent: true,
    localName: null,
  });
  assert.deepEqual(sftpArgs(['-oBatchMode=yes', '-b', '-', 'h']), {
    destination: 'h',
    batch: '-',
    quiet: true,
    recursive: false,
    silent: false,
    localName: null,
  });
  assert.deepEqual(sftpArgs(['-qb', 'cmds.txt', 'h']), {
    destination: 'h',
    batch: 'cmds.txt',
    quiet: true,
    recursive: false,
    silent: true,
    localName: null,
  });
  assert.deepEqual(sftpArgs(['-bcmds', 'h']), {
    destination: 'h',
    batch: 'cmds',
    quiet: true,
    recursive: false,
    silent: false,
    localName: null,
  });
  // sftp host:path local: the local name of the download; -q (not -b) silences info lines.
  assert.deepEqual(sftpArgs(['h:/data/w', './x']), {
    destination: 'h:/data/w',
    batch: null,
    quiet: false,
    recursive: false,
    silent: false,
    localName: './x',
  });
  assert.equal(sftpDownloadLine('h:/data/w', './x'), 'get /data/w ./x');
  assert.equal(sftpDownloadLine('maintainer@h:w', null), 'get w');
  assert.equal(sftpDownloadLine('maintainer@h', null), null);
  for (const bad of [[], ['-Z', 'h'], ['-b'], ['-i', 'k'], ['a', 'b', 'c']]) {
    const r = sftpArgs(bad);
    assert.ok('error' in r && r.error.startsWith('usage: sftp [-46AaCfNpqrv]'), JSON.stringify(bad));
  }
  assert.deepEqual(sftpArgs(['-b', 'a', '-b', 'b', 'h']), { error: 'Batch file already specified.' });
});

test('batch lines: quoting, backslashes, comments, blank lines, and the - and @ prefixes', () => {
  const get = sftpLine('  get -rp "/data/my file.bin" \'./x y\'  # keep');
  assert.deepEqual(get, {
    ignoreErrors: false,
    noEcho: false,
    name: 'get',
    flags: 'rp',
    operands: ['/data/my file.bin', './x y'],
    error: null,
  });
  assert.deepEqual(sftpLine('-rm /data/*').operands, ['/data/*']);
  assert.equal(sftpLine('-rm /data/*').ignoreErrors, true);
  assert.equal(sftpLine('@-PUT a').noEcho, true);
  assert.equal(sftpLine('@-PUT a').name, 'put', 'names are matched without case');
  assert.deepEqual(sftpLine('rename a\\ b "c\\"d"').operands, ['a b', 'c"d']);
  assert.deepEqual(sftpLine('ls "#not a comment"').operands, ['#not a comment']);
  for (const empty of ['', '   ', '# a comment', '\r']) assert.equal(sftpLine(empty).name, '', JSON.stringify(empty));
  const open = sftpLine('get "/data/x');
  assert.equal(open.error, 'Unterminated quoted argument');
  assert.equal(open.name, '');
  assert.deepEqual(sftpLine('ls -la -- -odd').operands, ['-odd']);
  assert.equal(sftpLine('ls -la -- -odd').flags, 'la');
});

test('local paths follow lcd', () => {
  assert.equal(sftpLocalPath('', 'a.bin'), 'a.bin');
  assert.equal(sftpLocalPath('out', 'a.bin'), 'out/a.bin');
  assert.equal(sftpLocalPath('out/', 'a.bin'), 'out/a.bin');
  assert.equal(sftpLocalPath('out', '/tmp/a.bin'), '/tmp/a.bin');
});

test('a ! line keeps the rest of the line as typed for the local shell, once it splits as a line does (OpenSSH 9.2p1)', () => {
  assert.deepEqual(sftpLine('-!ls -l "a b" # c'), {
    ignoreErrors: true,
    noEcho: false,
    name: '!',
    flags: '',
    operands: ['ls -l "a b" # c'],
    error: null,
  });
  assert.equal(sftpLine('!echo "hi').error, 'Unterminated quoted argument');
});

test('a local glob is walked part by part over the folders listed (after lcd), names as typed, none past the limit', () => {
  const tree: Record<string, string[]> = {
    '.': ['d1', 'd2', 'f', '.h'],
    d1: ['x', 'y'],
    d2: ['x'],
    '.h': ['x'],
    out: ['a.bin', 'sub'],
    'out/sub': ['b'],
  };
  const list = (d: string) => tree[d] ?? null;
  assert.deepEqual(
    sftpLocalGlob('*/x', '', list, globPartMatch, 100),
    ['d1/x', 'd2/x', 'f/x'],
    'a last part as typed is looked at by the caller',
  );
  assert.deepEqual(sftpLocalGlob('d*/[xy]', '', list, globPartMatch, 100), ['d1/x', 'd1/y', 'd2/x']);
  assert.deepEqual(sftpLocalGlob('*.bin', 'out', list, globPartMatch, 100), ['a.bin']);
  assert.deepEqual(sftpLocalGlob('s*/*', 'out', list, globPartMatch, 100), ['sub/b']);
  assert.equal(sftpLocalGlob('*/*', '', list, globPartMatch, 5), null);
});

test('the functions stand alone (the shim carries their source): no helper the bundler adds', () => {
  for (const f of [sftpArgs, sftpLine, sftpLocalPath, sftpDownloadLine, sftpLocalGlob, globPartMatch]) {
    const copy = new Function(`return ${f.toString()}`)() as typeof f;
    assert.equal(typeof copy, 'function');
    assert.doesNotMatch(f.toString(), /__name|require\(|import\(/);
  }
  const line = new Function(`return ${sftpLine.toString()}`)() as typeof sftpLine;
  assert.deepEqual(line('put "a b" /data/'), sftpLine('put "a b" /data/'));
  const match = new Function(`return ${globPartMatch.toString()}`)() as typeof globPartMatch;
  assert.deepEqual(
    ['*.bin', '?.bin', '[ab].bin', '[!a].bin'].map((p) => match(p, 'a.bin')),
    [true, true, true, false],
  );
});

test("sftp's text: names in columns across 80 characters, and df's table from a host's df", () => {
  assert.equal(columns(['a', 'bb', 'ccc']), `${'a'.padEnd(5)}${'bb'.padEnd(5)}ccc\n`, '16 columns of 5');
  assert.equal(columns(['x'.repeat(50), 'y']), `${'x'.repeat(50)}\ny\n`);
  assert.equal(columns([]), '');
  const df = 'Filesystem        Size   Used  Avail  Use% Mounted on\n/dev/sdb1         2.0T   779G   1.3T   38% /data\n';
  assert.equal(sftpDf(df, true), '    Size     Used    Avail   (root)    %Capacity\n   2.0TB    779GB    1.3TB    1.3TB         38%\n');
  assert.match(sftpDf(df, false), /^ +Size +Used +Avail +\(root\) +%Capacity\n +2147483648 +816840704 +1395864371 +1395864371 +38%\n$/);
});
