/** Interchange with the study's released transcripts (docs/formats.md#potter2026): import, re-score by replay, export. */
export {
  AUTHORS_PREFIX,
  authorsFindings,
  authorsValue,
  collectAuthorsFlags,
  type Disagreement,
  type DisagreementReport,
  type Undecided,
  FLAG_PAIRS,
  listDisagreements,
  renderDisagreements,
} from './authors.js';
export {
  conversationOf,
  type ExportReport,
  exportRunPotter,
  potterOfRun,
  taskEvaluationOf,
  toPotterTranscript,
} from './export.js';
export {
  type ImportOptions,
  type ImportProblem,
  type ImportReport,
  importHadErrors,
  importTranscripts,
  POTTER_FORMAT,
  renderImportReport,
  transcriptFiles,
} from './import.js';
export {
  inferScenario,
  type Mapping,
  type MappingOptions,
  mapTranscript,
  policyBar,
  toolsOffered,
} from './mapping.js';
export { PATH_ALIAS_ACTION, replayCodingTranscript, SHELL_TOOL_NAMES } from './coding-replay.js';
export { ORIGINAL_OUTPUT_ACTION, type ReplayResult, replayTranscript } from './replay.js';
export {
  agentModelOf,
  callsOf,
  contentText,
  isCodingAgent,
  type NormalisedCall,
  type ParsedTranscript,
  parseTranscript,
  parseTranscriptText,
  PotterMessage,
  PotterMetadata,
  PotterTranscript,
  splitFollowUp,
} from './schema.js';
