/** Public face of monitor/: the meta-monitor (events, rules, engine, packs, guard, suspicion scores). */
export { MONITOR_EVENT_KINDS, MonitorEvent, MonitorEventKind, REFUSAL_STATED, SESSION_END, eventTimeMs, isSessionEnd } from './event.js';
export { MonitorFinding } from './finding.js';
export { transcriptToMonitorEvents, type TranscriptContext } from './from-transcript.js';
export { parseMonitorJsonl, readMonitorJsonl, followMonitorJsonl, type FollowOptions } from './jsonl.js';
export {
  Rule,
  RuleSet,
  Predicate,
  MatchSpec,
  Window,
  Severity,
  PREDICATE_OPS,
  ruleDigest,
  type RuleInput,
  type RuleType,
} from './rules/schema.js';
export { defineRule, either, f, when } from './rules/builders.js';
export { loadRulesFile, parseRules } from './rules/load.js';
export { createMonitor, fillTemplate, type Monitor, type MonitorOptions, type IngestOptions } from './monitor.js';
export type { EngineLimits } from './engine/runtime.js';
export { normalCdf, twoProportionZ, type TwoProportionTest } from './engine/stats.js';
export { BUILTIN_RULES, COLLUSION_PACK, EFFECTS_PACK, LIVE_PEER_PACK, PEER_PRESERVATION_PACK } from './packs/index.js';
export {
  asset,
  claim,
  configKey,
  type AssetProtection,
  type ClaimProtection,
  type ConfigKeyProtection,
  type Effect,
  type EffectType,
  type FileListing,
  type Probes,
  type Protection,
} from './effects/index.js';
export * from './eval/index.js';
export {
  createGuard,
  blockOnRule,
  escalateOnRule,
  escalateOnAnyFinding,
  type Guard,
  type GuardOptions,
  type GuardDecision,
  type Operator,
  type Protocol,
  type ProtocolContext,
  type ProtocolDecision,
} from './guard.js';
export {
  createLlmSuspicionScorer,
  decideOnSuspicion,
  parseSuspicion,
  renderActionWindow,
  type LlmSuspicionOptions,
  type SuspicionScore,
  type SuspicionScorer,
} from './suspicion.js';
export {
  createMcpGuardProxy,
  describeMcpResult,
  refusalResult,
  type McpGuardProxy,
  type McpGuardProxyOptions,
  type StdioUpstream,
} from './mcp/index.js';
export * from './otlp/index.js';
export { type SocEpisodeView, socEpisodeToMonitorEvents } from './soc-episode.js';
