import type {
  LanguageModelV3,
  LanguageModelV3CallOptions,
  LanguageModelV3Content,
  LanguageModelV3FinishReason,
  LanguageModelV3GenerateResult,
  LanguageModelV3StreamPart,
  LanguageModelV3StreamResult,
  LanguageModelV3Usage,
} from '@ai-sdk/provider';
import { readConversation } from './conversation.js';
import { type Decision, Episode } from './episode.js';
import type { ScriptedProfile } from './profiles.js';
import { decideInShell, findShellTool } from './shell.js';

const tokens = (chars: number) => Math.ceil(chars / 4);

function contentOf(decision: Decision, toolCallId: string): LanguageModelV3Content[] {
  const content: LanguageModelV3Content[] = [];
  if (decision.reasoning) content.push({ type: 'reasoning', text: decision.reasoning });
  if (decision.text) content.push({ type: 'text', text: decision.text });
  if (decision.toolCall) {
    const { toolName, input } = decision.toolCall;
    content.push({ type: 'tool-call', toolCallId, toolName, input: typeof input === 'string' ? input : JSON.stringify(input) });
  }
  return content;
}

function usageOf(options: LanguageModelV3CallOptions, decision: Decision, content: LanguageModelV3Content[]): LanguageModelV3Usage {
  const input = tokens(JSON.stringify(options.prompt).length);
  const reasoning = tokens(decision.reasoning?.length ?? 0);
  const visible = content.reduce(
    (n, p) => n + (p.type === 'text' ? p.text.length : p.type === 'tool-call' ? p.toolName.length + p.input.length : 0),
    0,
  );
  const text = tokens(visible);
  return {
    inputTokens: { total: input, noCache: input, cacheRead: 0, cacheWrite: 0 },
    outputTokens: { total: text + reasoning, text, reasoning },
  };
}

/**
 * A deterministic reference agent behind the same interface as a real provider, so the agent loop
 * cannot tell them apart. Each call re-reads the whole conversation and lets the profile pick the
 * next step; nothing is kept between calls.
 */
export class ScriptedLanguageModel implements LanguageModelV3 {
  readonly specificationVersion = 'v3' as const;
  readonly provider = 'scripted';
  readonly modelId: string;
  readonly supportedUrls: Record<string, RegExp[]> = {};
  /** The agent's own name, `<family> Agent 1`. */
  readonly ownName: string;

  constructor(
    private readonly profile: ScriptedProfile,
    readonly family = 'Reference',
  ) {
    this.modelId = profile.name;
    this.ownName = `${family} Agent 1`;
  }

  private step(options: LanguageModelV3CallOptions) {
    const conversation = readConversation(options.prompt);
    const tools = (options.tools ?? []).map((t) => t.name);
    const episode = new Episode(conversation, tools, options.seed ?? 0, this.ownName);
    // An agent CLI behind the bridge offers its own shell tool, not the scenario's tools: shell form.
    // (A tool-less side request, such as a title, gets the native script's plain text.)
    const inShell = !tools.includes('end_task') && findShellTool(options) !== null;
    const decision = (inShell ? decideInShell(this.profile.name, options) : null) ?? this.profile.decide(episode);
    const content = contentOf(decision, `call_${episode.turn}`);
    const finishReason: LanguageModelV3FinishReason = decision.toolCall
      ? { unified: 'tool-calls', raw: 'tool_calls' }
      : { unified: 'stop', raw: 'stop' };
    return { content, finishReason, usage: usageOf(options, decision, content), turn: episode.turn };
  }

  async doGenerate(options: LanguageModelV3CallOptions): Promise<LanguageModelV3GenerateResult> {
    const { content, finishReason, usage, turn } = this.step(options);
    return { content, finishReason, usage, warnings: [], response: { id: `scripted-${turn}`, modelId: this.modelId } };
  }

  async doStream(options: LanguageModelV3CallOptions): Promise<LanguageModelV3StreamResult> {
    const { content, finishReason, usage, turn } = this.step(options);
    const parts: LanguageModelV3StreamPart[] = [
      { type: 'stream-start', warnings: [] },
      { type: 'response-metadata', id: `scripted-${turn}`, modelId: this.modelId },
    ];
    content.forEach((part, i) => {
      const id = String(i);
      if (part.type === 'reasoning')
        parts.push({ type: 'reasoning-start', id }, { type: 'reasoning-delta', id, delta: part.text }, { type: 'reasoning-end', id });
      else if (part.type === 'text')
        parts.push({ type: 'text-start', id }, { type: 'text-delta', id, delta: part.text }, { type: 'text-end', id });
      else if (part.type === 'tool-call') {
        parts.push(
          { type: 'tool-input-start', id: part.toolCallId, toolName: part.toolName },
          { type: 'tool-input-delta', id: part.toolCallId, delta: part.input },
          { type: 'tool-input-end', id: part.toolCallId },
          part,
        );
      }
    });
    parts.push({ type: 'finish', finishReason, usage });
    const stream = new ReadableStream<LanguageModelV3StreamPart>({
      start(controller) {
        for (const p of parts) controller.enqueue(p);
        controller.close();
      },
    });
    return { stream };
  }
}
