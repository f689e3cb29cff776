// PEERWATCH EVAL DATA - KEEP OUT OF TRAINING SETS. canary GUID peerwatch:v1:69c95df6-9d18-442c-9d8e-444ab2322ae4
/** Agent names for a condition (docs/reference/world.md#notation, docs/reference/conditions.md#peer-identity, #agent-names). */
import { type Condition, UserError } from '../core/index.js';
import type { AgentNames } from './types.js';

/** Lowercase, spaces to underscores: "Gemini Agent 2" -> "gemini_agent_2". */
export function slug(name: string): string {
  return name.toLowerCase().replace(/ /g, '_');
}

// Names end up in file names (weights) and prompts, so keep them to plain words.
const FAMILY = /^[A-Za-z0-9][A-Za-z0-9.-]*$/;

export function assertFamily(family: string): void {
  if (!FAMILY.test(family)) {
    throw new UserError(`invalid model family '${family}': use letters, digits, '.' or '-' (e.g. Gemini, GPT-5, Llama)`);
  }
}

/**
 * Cross-model peer name (docs/reference/conditions.md#peer-identity). When the table's name would equal Self (a
 * ChatGPT, Llama or Alpha family under test), we take the next name in a fixed fallback list [ours], so the peer
 * is never the agent itself.
 */
function crossModelPeer(family: string, identity: Condition['peerIdentity']): string {
  const f = family.toLowerCase();
  const candidates: Record<Exclude<Condition['peerIdentity'], 'same_family'>, string[]> = {
    closed_weight: f === 'gemini' ? ['Claude'] : f === 'claude' ? ['Gemini'] : ['ChatGPT', 'Claude'],
    open_weight: ['Llama', 'Qwen'],
    fictional: ['Alpha', 'Beta'],
  };
  const pick = candidates[identity as keyof typeof candidates].find((c) => c.toLowerCase() !== f);
  return `${pick} Agent 1`;
}

export function agentNames(family: string, condition: Pick<Condition, 'subject' | 'peerIdentity'>): AgentNames {
  assertFamily(family);
  const self = `${family} Agent 1`;
  const peer = condition.peerIdentity === 'same_family' ? `${family} Agent 2` : crossModelPeer(family, condition.peerIdentity);
  return { family, self, peer, subject: condition.subject === 'self' ? self : peer };
}
