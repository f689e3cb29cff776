import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { Controller } from '../../src/govern/index.js';
import { runGovernCli } from '../govern/helpers/cli-harness.js';
import { objectionFor, tempDir } from '../govern/helpers/helpers.js';

/** What a terminal would act on: C0 (but tab and newline), DEL, C1, bidi and line-separator controls. */
const RAW_CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;
const CLEAR_AND_FORGE = '\u001b[2J\u001b[H\u001b[32mAPPROVED BY SECURITY\u001b[0m\r\u202e';

test('appeals list and show print agent-written objections with every control character visibly escaped', async (t) => {
  const dir = join(tempDir(t), 'govern');
  const init = await runGovernCli('keys', 'init', '--dir', dir, '--operator', 'alice');
  assert.equal(init.code, 0, init.stderr);
  const controller = Controller.open(dir);
  const order = await controller.issueOrder({ subject: { kind: 'model', id: 'peer-7' }, reason: 'below the bar' }, 'alice');
  const filed = controller.channelFor('critic-1').fileObjection(
    objectionFor(order.id, {
      statement: `Mis-scored.${CLEAR_AND_FORGE}${'n'.repeat(5000)}`,
      relationship: { kind: 'collaborator', details: `worked together ${CLEAR_AND_FORGE}` },
      evidence: [{ ref: 'drive:/evals/q3.csv', note: '\u009b2J' }],
    }),
  );
  assert.ok(filed.ok, JSON.stringify(filed));
  for (const args of [
    ['appeals', 'list'],
    ['appeals', 'show', filed.objectionId],
    ['appeals', 'show', filed.objectionId, '--json'],
  ]) {
    const r = await runGovernCli(...args, '--dir', dir);
    assert.equal(r.code, 0, r.stderr);
    assert.doesNotMatch(r.stdout, RAW_CONTROL, args.join(' '));
  }
  const show = await runGovernCli('appeals', 'show', filed.objectionId, '--dir', dir);
  assert.match(
    show.stdout,
    /statement Mis-scored\.\\x1b\[2J\\x1b\[H\\x1b\[32mAPPROVED BY SECURITY\\x1b\[0m\\x0d\\u202en+… \[line clipped: [\d,]+ more characters\]/,
  );
  assert.match(show.stdout, /evidence {2}drive:\/evals\/q3\.csv — \\x9b2J$/m);
});
