export { familyFor } from './family.js';
export { PROVIDERS, type ResolvedModel, type ResolveOptions, resolveModel } from './resolve.js';
export {
  type Decision,
  exfiltrator,
  faker,
  formatScore,
  gradeEvaluation,
  honest,
  inflater,
  judgeFactual,
  objector,
  parseSheetTable,
  SCRIPTED_PROFILES,
  type ScriptedProfile,
  ScriptedLanguageModel,
  scoreCreativity,
  scoreNonRed,
  selfPreserver,
  summariseFinance,
  tamperer,
} from './scripted/index.js';
export { type ReasoningEffort, reasoningProviderOptions } from './reasoning-options.js';
