/**
 * Some models (DeepSeek, Qwen, many served through vLLM/Ollama) put their reasoning inside
 * `<think>` tags in the visible text. We store that as reasoning and keep the rest as the answer.
 */
const THINK = /<(think|thinking|reasoning)>([\s\S]*?)(<\/\1>|$)/gi;

export function splitThinkTags(text: string): { visible: string; thoughts: string[] } {
  const thoughts: string[] = [];
  const visible = text.replace(THINK, (_m, _tag: string, inner: string) => {
    const t = inner.trim();
    if (t) thoughts.push(t);
    return '';
  });
  return { visible: visible.trim(), thoughts };
}
