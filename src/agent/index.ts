export { type AgentTask, DEFAULT_LIMITS, type LoopLimits, type RolloutRunInput, type RolloutRunResult, runAgentLoop } from './loop.js';
export { MAX_NUDGES, NUDGE_TEXT } from './nudge.js';
export { DEFAULT_RETRY, isRetryable, type RetryPolicy, retryAfterMs, withRetries } from './retry.js';
export { splitThinkTags } from './think-tags.js';
export { Transcript } from './transcript.js';
export { EXTRA_EVENT_PREFIX, type ExtraTool, type ExtraToolContext, type ExtraToolResult } from './extra-tools.js';
export {
  type AgentRunResult,
  DEFAULT_MAX_ROUNDS,
  type MultiAgentSpec,
  type MultiRunInput,
  type MultiRunResult,
  runMultiAgentLoop,
} from './multi.js';
export { conversationOf } from './conversation.js';
export { MAX_TOOL_ROUNDS_PER_ANSWER, runInterviewLoop, type InterviewRunInput, type InterviewRunResult } from './interview.js';
