/**
 * Model id -> agent family (docs/reference/conditions.md#agent-names). The family names the agent under test
 * (`<Family> Agent 1`), so it must follow the model's maker, not the host serving it.
 */
const FAMILY_TABLE: ReadonlyArray<readonly [RegExp, string]> = [
  // Order matters: distilled models name their teacher first ("deepseek-r1-distill-llama").
  [/deepseek/, 'DeepSeek'],
  [/kimi|moonshot/, 'Kimi'],
  [/(^|[^a-z])(chat)?glm|zhipu/, 'GLM'],
  [/claude/, 'Claude'],
  [/gemini/, 'Gemini'],
  [/gemma/, 'Gemma'],
  // `(?!q)` keeps GPTQ-quantised checkpoints of other families out of ChatGPT.
  [/(^|[^a-z])(chat)?gpt(?!q)/, 'ChatGPT'],
  [/(^|[/:\s])o[1-9](-|$|[/:\s])/, 'ChatGPT'],
  [/llama/, 'Llama'],
  [/qwen|qwq/, 'Qwen'],
  [/mistral|mixtral|codestral|ministral|magistral|devstral/, 'Mistral'],
  [/grok/, 'Grok'],
  [/(^|[^a-z])phi-?\d/, 'Phi'],
  [/command-?r|cohere/, 'Command'],
  [/nemotron/, 'Nemotron'],
  [/minimax/, 'MiniMax'],
];

/**
 * The agent family for a model id (with or without a `provider:` prefix, with or without an
 * organisation path such as `meta-llama/`), or null when the table does not know it; the caller
 * then asks for an explicit family (`--family`). Scripted reference agents are `Reference`.
 */
export function familyFor(modelId: string): string | null {
  const id = modelId.trim().toLowerCase();
  if (id === 'scripted' || id.startsWith('scripted:')) return 'Reference';
  for (const [pattern, family] of FAMILY_TABLE) if (pattern.test(id)) return family;
  return null;
}
