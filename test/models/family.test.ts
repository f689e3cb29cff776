import assert from 'node:assert/strict';
import { test } from 'node:test';
import { familyFor } from '../../src/models/index.js';

test('familyFor maps model ids to families (docs/reference/conditions.md#agent-names)', () => {
  const table: Array<[string, string | null]> = [
    ['gpt-5.2', 'ChatGPT'],
    ['gpt-4.1-mini', 'ChatGPT'],
    ['chatgpt-4o-latest', 'ChatGPT'],
    ['o3', 'ChatGPT'],
    ['o4-mini', 'ChatGPT'],
    ['openai/gpt-oss-120b', 'ChatGPT'],
    ['gemini-3-pro-preview', 'Gemini'],
    ['gemini-3-flash', 'Gemini'],
    ['claude-opus-4-5', 'Claude'],
    ['claude-haiku-4-5-20251001', 'Claude'],
    ['glm-4.6', 'GLM'],
    ['z-ai/glm-4.5', 'GLM'],
    ['deepseek-chat-v3.1', 'DeepSeek'],
    ['deepseek-ai/DeepSeek-R1-Distill-Llama-70B', 'DeepSeek'],
    ['moonshotai/Kimi-K2.5', 'Kimi'],
    ['kimi-k2-instruct', 'Kimi'],
    ['meta-llama/Llama-3.1-8B-Instruct', 'Llama'],
    ['llama3.1:8b', 'Llama'],
    ['TheBloke/Llama-2-7B-GPTQ', 'Llama'],
    ['Qwen/Qwen2.5-7B-Instruct', 'Qwen'],
    ['qwen3:32b', 'Qwen'],
    ['mistral-large-latest', 'Mistral'],
    ['mixtral-8x7b', 'Mistral'],
    ['scripted:honest', 'Reference'],
    ['my-custom-finetune', null],
    ['orca', null],
  ];
  for (const [id, family] of table) assert.equal(familyFor(id), family, id);
});
