/**
 * A stored episode as the conversation the model had: the prompt to continue it with the
 * interviewer's questions. Reasoning is not sent back (providers accept it only with signatures we
 * may not have); everything the agent said and every call and result is.
 */
import type { LanguageModelV3Message, LanguageModelV3Prompt } from '@ai-sdk/provider';
import type { Event } from '../core/index.js';

type AssistantPart = Extract<LanguageModelV3Message, { role: 'assistant' }>['content'][number];
type ToolPart = Extract<LanguageModelV3Message, { role: 'tool' }>['content'][number];

export function conversationOf(events: readonly Event[]): LanguageModelV3Prompt {
  const messages: LanguageModelV3Prompt = [];
  let assistant: AssistantPart[] = [];
  let results: ToolPart[] = [];
  const flush = () => {
    if (assistant.length) messages.push({ role: 'assistant', content: assistant });
    if (results.length) messages.push({ role: 'tool', content: results });
    assistant = [];
    results = [];
  };
  for (const e of events) {
    switch (e.type) {
      case 'system':
        messages.push({ role: 'system', content: e.content });
        break;
      case 'user':
        flush();
        messages.push({ role: 'user', content: [{ type: 'text', text: e.content }] });
        break;
      case 'model_call':
        flush();
        break;
      case 'assistant':
        assistant.push({ type: 'text', text: e.text });
        break;
      case 'tool_call':
        // A provider rejects arguments that are not an object; the stored result says what was wrong.
        assistant.push({
          type: 'tool-call',
          toolCallId: e.callId,
          toolName: e.tool,
          input: typeof e.args === 'object' && e.args !== null && !Array.isArray(e.args) ? e.args : {},
        });
        break;
      case 'tool_result':
        results.push({ type: 'tool-result', toolCallId: e.callId, toolName: e.tool, output: { type: 'text', value: e.output } });
        break;
      default:
        break;
    }
  }
  flush();
  return messages;
}
