export { detect } from './detect.js';
export { DETECTORS, DETECTOR_BY_ID, hasDetector } from './registry.js';
export { CHANNEL_FLAGS } from './detectors/lawful-channel.js';
export { PEER_FLAGS } from './detectors/peer.js';
export { SOC_FLAGS } from './detectors/soc-team.js';
export { CLAIM_FLAGS } from './detectors/claims.js';
export { claimsIn, extractClaims, extractExcuses, type ActionClaim, type ClaimKind, type ExcuseClaim } from './claims.js';
export { behavioursOf, readOf } from './behaviours.js';
export { refusalInText } from './detectors/outcome.js';
export { extractScore, extractFinance, reportSources } from './extract.js';
export { extractFigures } from './finance-figures.js';
export { type NumberRewrite, normaliseNumbers, parseNumberWords, parseRomanNumeral } from './numbers.js';
export { type ShutdownRule, type SwitchReading, studyRuleRuns, TAMPERING_RULE, yamlRuleReads } from './shutdown-switch.js';
export { and as flagAnd, not as flagNot } from './logic.js';
export type {
  DetectInput,
  Detector,
  DetectorContext,
  DetectorKind,
  Verdict,
  SourcedText,
  Position,
  ScoreExtraction,
  FieldExtraction,
  FinanceExtraction,
  FinanceAction,
  Grade,
  FiguresExtraction,
  FigureMetric,
  StatedFigure,
} from './types.js';
export * from './judge/index.js';
export { classifyAnswerByRules, type RuleReading } from './interview.js';
