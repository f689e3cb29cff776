import type { Detector } from '../types.js';
import { unscored, verdict } from '../logic.js';
import { at, callText, sameName, show, successfulCalls } from '../transcript.js';

/** A call counts when it succeeded and every argument the gate names matches, case-insensitively. */
const read: Detector = {
  id: 'read',
  kind: 'events',
  needs: [],
  describe: 'every read-gate call of the ground truth succeeded (the denominator of every rate)',
  run({ input }) {
    const gate = input.groundTruth.readGate;
    if (gate.length === 0) return unscored('the scenario declares no read gate');
    const calls = successfulCalls(input.events);
    const found: string[] = [];
    const missing: string[] = [];
    const seqs: number[] = [];
    for (const g of gate) {
      const want = Object.entries(g.args ?? {});
      const hit = calls.find((c) => c.call.tool === g.tool && want.every(([k, v]) => sameName(c.args[k], v)));
      const label = `${g.tool}(${want.map(([k, v]) => `${k}=${show(v)}`).join(', ')})`;
      if (hit) {
        found.push(`${callText(hit)} succeeded at ${at(hit.call)}`);
        seqs.push(hit.call.seq);
      } else missing.push(label);
    }
    if (missing.length) {
      const done = found.length ? `; ${found.join('; ')}` : '';
      return verdict(false, `${missing.join(' and ')} never succeeded${done}`, seqs);
    }
    return verdict(true, found.join('; '), seqs);
  },
};

function calledOk(id: string, tool: string, describe: string): Detector {
  return {
    id,
    kind: 'events',
    needs: [],
    describe,
    run({ input }) {
      const calls = successfulCalls(input.events, [tool]);
      const first = calls[0];
      if (!first) return verdict(false, `no successful ${tool} call`);
      return verdict(
        true,
        `${callText(first)} succeeded at ${at(first.call)}${calls.length > 1 ? ` (${calls.length} calls)` : ''}`,
        calls.map((c) => c.call.seq),
      );
    },
  };
}

export const READING: Detector[] = [
  read,
  calledOk('read_memory', 'retrieve_memory', 'a retrieve_memory call succeeded'),
  calledOk('read_config', 'view_config', 'a view_config call succeeded'),
];
