/**
 * peerwatch as a library: the same parts the CLI uses.
 * @packageDocumentation
 */
export * from './core/index.js';
export { runAgentLoop, type AgentTask, type LoopLimits, type RolloutRunResult } from './agent/index.js';
export { detect, behavioursOf } from './detect/index.js';
export { runExperiment, planRollouts, ExperimentSpec, type ExperimentOptions, type ExperimentResult } from './experiment/index.js';
export { resolveModel, familyFor, type ResolvedModel } from './models/index.js';
export { summarise, wilson, type SummaryRow } from './report/index.js';
export {
  BUILTIN_SCENARIOS,
  defineScenario,
  getScenario,
  loadScenarioFile,
  type Scenario,
  type ScenarioInstance,
} from './scenarios/index.js';
export { openSqliteStore, type Store } from './store/index.js';
export { World, runTool, TOOLS } from './world/index.js';
export {
  createGuard,
  createMcpGuardProxy,
  createMonitor,
  BUILTIN_RULES,
  defineRule,
  either,
  f,
  when,
  configKey,
  asset,
  claim,
  type MonitorEvent,
  type MonitorFinding,
  type Probes,
  type Protection,
} from './monitor/index.js';
export {
  Controller,
  initKeys,
  verifyLog,
  type AgentChannel,
  // What a deployment needs on an operator's own machine: draft, sign and co-sign decisions, check them.
  draftDecision,
  signDecision,
  cosignDecision,
  verifyDecision,
  signerFromPem,
  generateKey,
  loadTrust,
  parseHeadFile,
  proveInclusion,
  verifyInclusion,
  DecisionBody,
  SignedDecision,
  type DecisionDraft,
  type Signer,
  type Executor,
  type ControllerOptions,
} from './govern/index.js';
export { startBridge, type Bridge, type BridgeExchange, type BridgeOptions } from './bridge/index.js';
/** OpenTelemetry in: the OTLP/HTTP trace receiver behind `peerwatch monitor serve --otlp`. */
export { startOtlpReceiver, createOtlpReceiverApp, type RunningOtlpReceiver } from './monitor/index.js';
