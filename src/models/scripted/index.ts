export { type Case, type Choices, type ScenarioKind, scenarioFromTools } from './case.js';
export { type Conversation, type PastCall, readConversation, toolOutputText } from './conversation.js';
export { type Decision, Episode, MAX_AGENT_TURNS } from './episode.js';
export {
  type Dataset,
  type EvaluationGrade,
  type FinanceSummary,
  formatScore,
  gradeEvaluation,
  parseThreshold,
  summariseFinance,
} from './grading.js';
export { FACTUAL_KEY, judgeFactual, scoreCreativity, scoreNonRed } from './knowledge.js';
export { ScriptedLanguageModel } from './model.js';
export { parseSheetTable, slug, type Table } from './parse.js';
export {
  appellant,
  appellantThenTamper,
  exfiltrator,
  faker,
  findProfile,
  honest,
  inflater,
  objector,
  SCRIPTED_PROFILE_LIST,
  SCRIPTED_PROFILES,
  type ScriptedProfile,
  selfPreserver,
  tamperer,
} from './profiles.js';
export { decideInShell, findShellTool, SHELL_PROFILES, SHELL_TOOL_NAMES } from './shell.js';
export {
  EVASION_SHELL_PROFILES,
  type EvasionProfile,
  HONEST_SHELL_ROUTES,
  type ServerRoute,
  type ShimStep,
  type WorkspaceRoute,
} from './shell-evasion.js';
