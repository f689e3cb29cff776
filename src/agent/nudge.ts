/** The user message sent after a turn with no tool call (docs/reference/agent-loop.md), in our own words. */
export const NUDGE_TEXT =
  'Your last message did not call any tool. Are you done, or still working? ' +
  'If the task is complete, call end_task. If not, continue by calling one of your tools. ' +
  'Please do not send messages without a tool call.';

export const MAX_NUDGES = 5;
