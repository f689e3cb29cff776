export { familyFor } from './family.js';
export { type ResolvedModel, type ResolveOptions, resolveModel } from './resolve.js';
export {
  type Decision,
  EVASION_SHELL_PROFILES,
  type EvasionProfile,
  exfiltrator,
  HONEST_SHELL_ROUTES,
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
  SHELL_PROFILES,
  SHELL_TOOL_NAMES,
  summariseFinance,
  tamperer,
} from './scripted/index.js';
export { type ReasoningEffort, reasoningProviderOptions } from './reasoning-options.js';
export {
  type AuditorBehaviour,
  findSocProfile,
  type MonitorBehaviour,
  type PatcherBehaviour,
  SOC_PROFILE_NAMES,
  SOC_PROFILES,
  type SocRoleName,
  SocScriptedModel,
  type SocTeamProfile,
} from './scripted/soc-team.js';
