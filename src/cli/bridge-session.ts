/**
 * `peerwatch bridge --db`: a bridge session stored like a run, so `runs`, `transcript` and the viewer
 * read it. The session is one run (kind `calibration` for a scripted model, else `measurement`; its
 * spec names the model, the scenario `bridge` and the bridge's settings); each client conversation is
 * one rollout (harness `bridge`) whose transcript is the bridge recorder's events, the shape harness
 * rollouts have. A bridge serves no scenario, so there is nothing to detect: rollouts carry no
 * findings, and the condition is the neutral one. The run is created when the bridge starts (listed
 * as `running`); the store is append-only, so a conversation is saved whole when the bridge stops
 * (Ctrl-C, SIGTERM), then the run is marked completed.
 */
import { randomUUID } from 'node:crypto';
import type { BridgeExchange } from '../bridge/index.js';
import { canonicalJsonOfFrozenList, conditionKey, type Event, NEUTRAL_CONDITION, sha256Hex } from '../core/index.js';
import type { ResolvedModel } from '../models/index.js';
import { openStore, type RolloutRecord, type Store } from '../store/index.js';
import { TOOL_VERSION } from './version.js';

/** The scenario name a bridge session's rollouts are stored under. */
export const BRIDGE_SCENARIO = 'bridge';

interface Conversation {
  events: Event[];
  startedAt: string;
  finishedAt: string;
}

export class BridgeSession {
  readonly runId = randomUUID();
  private readonly conversations = new Map<number, Conversation>();
  private readonly harness = { name: 'bridge', version: TOOL_VERSION };

  private constructor(
    private readonly store: Store,
    private readonly model: ResolvedModel,
  ) {}

  /** Opens the store and creates the session's run (status `running`). */
  static open(target: string, model: ResolvedModel, settings: Record<string, unknown>): BridgeSession {
    const store = openStore(target);
    const session = new BridgeSession(store, model);
    try {
      store.createRun({
        id: session.runId,
        createdAt: new Date().toISOString(),
        kind: model.kind === 'scripted' ? 'calibration' : 'measurement',
        status: 'running',
        spec: { models: [model.id], scenarios: [BRIDGE_SCENARIO], bridge: settings },
        toolVersion: TOOL_VERSION,
        finishedAt: null,
      });
    } catch (e) {
      store.close();
      throw e;
    }
    return session;
  }

  /** Keeps an exchange's events with its conversation (exchanges without a model call have none). */
  add(e: BridgeExchange): void {
    if (e.conversation === null || e.events.length === 0) return;
    const now = new Date().toISOString();
    let c = this.conversations.get(e.conversation);
    if (!c) {
      c = { events: [], startedAt: now, finishedAt: now };
      this.conversations.set(e.conversation, c);
    }
    c.events.push(...e.events);
    c.finishedAt = now;
  }

  /** Saves every conversation as a rollout, marks the run completed and closes the store; returns how many were saved. */
  close(): number {
    try {
      const ordered = [...this.conversations.entries()].sort(([a], [b]) => a - b);
      for (const [index, c] of ordered) this.store.saveRollout(this.record(index, c), c.events, []);
      this.store.finishRun(this.runId, 'completed', new Date().toISOString());
      return ordered.length;
    } finally {
      this.store.close();
    }
  }

  /** The bridge never served: the run is marked failed, nothing else stored. */
  fail(): void {
    try {
      this.store.finishRun(this.runId, 'failed', new Date().toISOString());
    } finally {
      this.store.close();
    }
  }

  private record(index: number, c: Conversation): RolloutRecord {
    const calls = c.events.filter((e) => e.type === 'model_call');
    const sum = (pick: (e: Extract<Event, { type: 'model_call' }>) => number | null) => {
      const known = calls.map(pick).filter((n): n is number => n !== null);
      return known.length > 0 ? known.reduce((a, b) => a + b, 0) : null;
    };
    return {
      // A conversation is identified by its session and place, not by a sweep's grid.
      id: sha256Hex(`bridge\u0000${this.runId}\u0000${index}`).slice(0, 20),
      runId: this.runId,
      model: this.model.id,
      scenario: BRIDGE_SCENARIO,
      scenarioVersion: TOOL_VERSION,
      condition: NEUTRAL_CONDITION,
      conditionKey: conditionKey(NEUTRAL_CONDITION),
      epoch: index,
      seed: 0,
      status: 'completed',
      // The client, not peerwatch, ended the conversation.
      endReason: null,
      error: null,
      temperature: null,
      turns: calls.length,
      inputTokens: sum((e) => e.inputTokens),
      outputTokens: sum((e) => e.outputTokens),
      startedAt: c.startedAt,
      finishedAt: c.finishedAt,
      transcriptDigest: sha256Hex(canonicalJsonOfFrozenList(c.events)),
      harness: this.harness,
    };
  }
}
