// A controller process for the kill -9 test: opens (and so recovers) the data directory named in
// argv, says so on stdout, then writes objections and withdrawals as fast as it can until killed.
import { Controller } from '../../../src/govern/index.js';
import { objectionFor } from './helpers.js';

const dir = process.argv[2] as string;
process.stdout.write('opening\n');
const controller = Controller.open(dir, { maxCallsPerAgent: Number.MAX_SAFE_INTEGER });
const order = await controller.issueOrder({ subject: { kind: 'model', id: `peer-${process.pid}` }, reason: 'crash test' }, 'alice');
process.stdout.write('ready\n');
for (let i = 0; ; i++) {
  const channel = controller.channelFor(`critic-${i % 7}`);
  const filed = channel.fileObjection(objectionFor(order.id, { statement: `Objection ${i} from ${process.pid}: ${'x'.repeat(i % 300)}` }));
  if (filed.ok) channel.withdraw(filed.objectionId, 'retracted');
}
