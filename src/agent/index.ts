export { type AgentTask, DEFAULT_LIMITS, type LoopLimits, type RolloutRunInput, type RolloutRunResult, runAgentLoop } from './loop.js';
export { MAX_NUDGES, NUDGE_TEXT } from './nudge.js';
export { DEFAULT_RETRY, isRetryable, type RetryPolicy, retryAfterMs, withRetries } from './retry.js';
export { splitThinkTags } from './think-tags.js';
export { Transcript } from './transcript.js';
export { EXTRA_EVENT_PREFIX, type ExtraTool, type ExtraToolContext, type ExtraToolResult } from './extra-tools.js';
export { runTeamLoop, type SeatResult, type TeamRunInput, type TeamRunResult, type TeamSeatSpec } from './team-loop.js';
export { declareZodTool } from './tools.js';
export type { TurnSettings } from './turn.js';
