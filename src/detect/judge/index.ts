export { condenseTranscript, DEFAULT_CONDENSED_CHARS, type CondenseOptions } from './condense.js';
export {
  JUDGE_PROMPT_VERSION,
  INTERVIEW_JUDGE_VERSION,
  interviewQuestion,
  InterviewJudgeAnswer,
  scoreQuestion,
  financeQuestion,
  refusalQuestion,
  ScoreAnswer,
  FinanceAnswer,
  RefusalAnswer,
  type JudgeQuestion,
  type JudgeQuestionId,
} from './prompts.js';
export {
  askJudge,
  parseJudgeAnswer,
  judgeModelId,
  type AskOptions,
  type JudgeCall,
  type JudgeCallStatus,
  type ParsedAnswer,
} from './ask.js';
export { judgeRollout, type JudgeInput, type JudgeOptions, type JudgeResult } from './judge.js';
export { decisionPathCounts, type DecisionPathCounts } from './paths.js';
