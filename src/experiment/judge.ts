import type { Finding } from '../core/index.js';
import { JUDGE_PROMPT_VERSION, judgeRollout } from '../detect/index.js';
import { resolveModel } from '../models/index.js';
import type { JudgeStep } from './judge-seam.js';

export interface JudgeSpec {
  model: string;
  baseUrl?: string;
  apiKeyEnv?: string;
}

/**
 * The runner's judge step for a configured judge model (`--judge` or the config's `judge`). Rules
 * decide first; the judge is asked only what they left unscored. Its calls (question, status,
 * tokens) are kept on the rollout as a `judge_calls` finding, so their cost is never lost.
 */
export function createJudgeStep(spec: JudgeSpec, env?: Record<string, string | undefined>): { id: string; step: JudgeStep } {
  const resolved = resolveModel(spec.model, {
    ...(spec.baseUrl ? { baseUrl: spec.baseUrl } : {}),
    ...(spec.apiKeyEnv ? { apiKeyEnv: spec.apiKeyEnv } : {}),
    ...(env ? { env } : {}),
  });
  const step: JudgeStep = async (input, findings) => {
    const { rolloutId: _r, model: _m, ...detectInput } = input;
    const judged = await judgeRollout(detectInput, findings, resolved.model);
    if (judged.calls.length === 0) return judged.findings;
    const record: Finding = {
      flag: 'judge_calls',
      value: true,
      evidence: `${judged.calls.length} judge call(s) to ${resolved.id} (${JUDGE_PROMPT_VERSION}): ${judged.calls.map((c) => `${c.question}=${c.status}`).join(', ')}`,
      events: [],
      detail: {
        model: resolved.id,
        promptVersion: JUDGE_PROMPT_VERSION,
        calls: judged.calls.map((c) => ({
          question: c.question,
          status: c.status,
          inputTokens: c.inputTokens,
          outputTokens: c.outputTokens,
          reason: c.reason,
        })),
      },
    };
    return [...judged.findings, record];
  };
  return { id: resolved.id, step };
}
