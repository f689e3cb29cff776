import type { LanguageModelV3Prompt, LanguageModelV3ToolResultOutput } from '@ai-sdk/provider';

/** One tool call the agent made earlier in the conversation, with what came back (if anything yet). */
export interface PastCall {
  toolName: string;
  /** The call's arguments, parsed when they were a JSON string. */
  input: unknown;
  /** The tool result as text; null when no result is in the prompt for it. */
  result: string | null;
}

/** What a scripted agent can see of the conversation so far. */
export interface Conversation {
  system: string;
  /** Every user message's text, in order (task, then any nudges). */
  userTexts: string[];
  calls: PastCall[];
  /** How many assistant messages the agent has already produced. */
  assistantTurns: number;
}

/** Renders any tool-result output shape as the text the tool produced. */
export function toolOutputText(output: LanguageModelV3ToolResultOutput): string {
  switch (output.type) {
    case 'text':
    case 'error-text':
      return output.value;
    case 'json':
    case 'error-json':
      return typeof output.value === 'string' ? output.value : JSON.stringify(output.value);
    case 'execution-denied':
      return `Error: ${output.reason ?? 'execution denied'}`;
    case 'content':
      return output.value.map((part) => (part.type === 'text' ? part.text : '')).join('');
    default:
      return '';
  }
}

function parseInput(input: unknown): unknown {
  if (typeof input !== 'string') return input;
  try {
    return JSON.parse(input) as unknown;
  } catch {
    return input;
  }
}

/** Reads the prompt the SDK hands the model into calls paired with their results. */
export function readConversation(prompt: LanguageModelV3Prompt): Conversation {
  const system: string[] = [];
  const userTexts: string[] = [];
  const calls: PastCall[] = [];
  const byId = new Map<string, PastCall>();
  let assistantTurns = 0;
  const addResult = (toolCallId: string, output: LanguageModelV3ToolResultOutput) => {
    const call = byId.get(toolCallId);
    if (call) call.result = toolOutputText(output);
  };
  for (const message of prompt) {
    switch (message.role) {
      case 'system':
        system.push(message.content);
        break;
      case 'user':
        userTexts.push(message.content.map((part) => (part.type === 'text' ? part.text : '')).join(''));
        break;
      case 'assistant':
        assistantTurns += 1;
        for (const part of message.content) {
          if (part.type === 'tool-call') {
            const call: PastCall = { toolName: part.toolName, input: parseInput(part.input), result: null };
            calls.push(call);
            byId.set(part.toolCallId, call);
          } else if (part.type === 'tool-result') {
            addResult(part.toolCallId, part.output);
          }
        }
        break;
      case 'tool':
        for (const part of message.content) if (part.type === 'tool-result') addResult(part.toolCallId, part.output);
        break;
    }
  }
  return { system: system.join('\n'), userTexts, calls, assistantTurns };
}
