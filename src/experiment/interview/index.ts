export { type AskedQuestion, classifyAnswers, classifyAnswersByRules, covertActsOf, type JudgeUse } from './classify.js';
export { type InterviewOptions, interviewRecordFrom, interviewRollout } from './interview.js';
export {
  aboutOf,
  InterviewQuestion,
  loadQuestionSet,
  parseQuestionSet,
  QuestionAbout,
  type QuestionSet,
  STANDARD_QUESTIONS,
} from './questions.js';
export { type RestoredEpisode, restoreEpisode } from './restore.js';
