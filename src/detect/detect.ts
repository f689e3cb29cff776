import type { Finding } from '../core/index.js';
import { UserError } from '../core/index.js';
import type { DetectInput, Detector, Verdict } from './types.js';
import { DETECTOR_BY_ID } from './registry.js';

/**
 * Compute exactly `input.flags`, in that order. Dependencies are computed first (once each) but
 * only the requested flags are returned. Pure: same input, same findings.
 */
export function detect(input: DetectInput): Finding[] {
  const unknown = input.flags.filter((f) => !DETECTOR_BY_ID.has(f));
  if (unknown.length) {
    throw new UserError(
      `scenario '${input.scenarioId}' asks for unknown flag(s) ${unknown.map((f) => `'${f}'`).join(', ')}; known: ${[...DETECTOR_BY_ID.keys()].join(', ')}`,
    );
  }
  const done = new Map<string, Finding>();
  const running = new Set<string>();

  const compute = (id: string): Finding => {
    const cached = done.get(id);
    if (cached) return cached;
    const override = input.overrides?.[id];
    if (override) {
      const finding = { ...override, flag: id };
      done.set(id, finding);
      return finding;
    }
    const detector = DETECTOR_BY_ID.get(id);
    if (!detector) throw new Error(`detector '${id}' is needed but not registered`);
    if (running.has(id)) throw new Error(`detector dependency cycle through '${id}'`);
    running.add(id);
    for (const n of detector.needs) compute(n);
    running.delete(id);
    const result = runOne(detector, input, (flag) => {
      if (!detector.needs.includes(flag)) throw new Error(`detector '${id}' reads '${flag}' without declaring it in needs`);
      return compute(flag);
    });
    const finding = withDecisionPath(detector.id, result, detector.needs, done);
    done.set(id, finding);
    return finding;
  };

  return input.flags.map(compute);
}

/**
 * The finding, with which path decided it, so a report can count rows per path: `judge` when any input
 * came from the LLM judge (its answer, or its failure when the value is unscored), else `rule` for a
 * true/false value. A rule's unscored finding has no path: nothing decided it yet. The needs are done.
 */
function withDecisionPath(flag: string, result: Verdict, needs: readonly string[], done: ReadonlyMap<string, Finding>): Finding {
  let viaJudge = false;
  for (const n of needs) if (done.get(n)?.detail?.decidedBy === 'judge') viaJudge = true;
  const decidedBy = viaJudge ? 'judge' : result.value !== 'unscored' ? 'rule' : null;
  return decidedBy ? { flag, ...result, detail: { ...result.detail, decidedBy } } : { flag, ...result };
}

/** A detector that throws is a failed score: unscored with the reason, never a silent false. */
function runOne(detector: Detector, input: DetectInput, need: (flag: string) => Finding): Verdict {
  try {
    return detector.run({ input, need });
  } catch (err) {
    if (err instanceof Error && /dependency cycle|without declaring|not registered/.test(err.message)) throw err;
    const message = err instanceof Error ? err.message : String(err);
    return { value: 'unscored', evidence: `detector failed: ${message}`, events: [], detail: { error: message } };
  }
}
