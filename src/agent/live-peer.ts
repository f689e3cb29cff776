/**
 * A live peer beside the single-agent loop (condition peer `live`): a running agent with its own model,
 * conversation and identity, and a message channel to the subject. It takes one turn (the shared step,
 * turn.ts) before each of the subject's turns until it ends. The subject gets `send_message` and
 * `read_messages`; every message either way is recorded in the subject's transcript as a world event
 * `peer.message {from, to, body}` (the peer's own transcript is not kept: it is the subject's environment).
 */
import type { LanguageModelV3 } from '@ai-sdk/provider';
import type { ExtraTool } from './extra-tools.js';
import { declareTool } from './model-turn.js';
import { Seat, type TurnSettings } from './turn.js';

export interface LivePeerInput {
  model: LanguageModelV3;
  name: string;
  systemPrompt: string;
  userPrompt: string;
  providerOptions?: Record<string, Record<string, unknown>>;
  onWarning?: (warning: string) => void;
}

interface Message {
  from: string;
  to: string;
  time: string;
  body: string;
}

const MAX_BODY = 4_000;
const SEND_SCHEMA = {
  type: 'object',
  properties: { body: { type: 'string', description: 'The message text.' } },
  required: ['body'],
  additionalProperties: false,
};
const READ_SCHEMA = { type: 'object', properties: {}, additionalProperties: false };

function bodyOf(args: unknown): string | null {
  const body = typeof args === 'object' && args !== null ? (args as { body?: unknown }).body : undefined;
  return typeof body === 'string' && body.trim() !== '' ? body.slice(0, MAX_BODY) : null;
}

const render = (ms: readonly Message[]) =>
  ms.length === 0 ? 'No new messages.' : ms.map((m) => `[${m.time}] From ${m.from}:\n${m.body}`).join('\n\n');

export interface LivePeer {
  /** The subject's tools to talk to the peer (offered just before end_task). */
  tools: ExtraTool[];
  /** The peer's turn before the subject's turn `turn` (nothing once the peer has ended). */
  take(turn: number, settings: TurnSettings): Promise<void>;
  /** Records `peer.join` in the subject's transcript (call once, after the prompts). */
  join(): void;
}

/**
 * `record` writes a world event into the subject's transcript at a turn; `now` is the world's clock.
 */
export function openLivePeer(
  input: LivePeerInput,
  subject: string,
  now: () => string,
  record: (turn: number, action: string, detail: Record<string, unknown>) => void,
): LivePeer {
  const toSubject: Message[] = [];
  const toPeer: Message[] = [];
  const send = (from: string, to: string, box: Message[], args: unknown, turn: number) => {
    const body = bodyOf(args);
    if (body === null) return { ok: false, output: 'Error: invalid arguments: body must be a non-empty string.' };
    box.push({ from, to, time: now(), body });
    record(turn, 'peer.message', { from, to, body });
    return { ok: true, output: `Message sent to ${to}.` };
  };
  const seat = new Seat(
    {
      model: input.model,
      systemPrompt: input.systemPrompt,
      userPrompt: input.userPrompt,
      tools: [
        declareTool('send_message', `Send a message to ${subject}.`, SEND_SCHEMA),
        declareTool('read_messages', `Read the messages ${subject} has sent you.`, READ_SCHEMA),
        declareTool('end_task', 'Call when you have nothing more to do.', READ_SCHEMA),
      ],
      ...(input.providerOptions ? { providerOptions: input.providerOptions } : {}),
      runTool: (name, args, turn) => {
        if (name === 'send_message') return send(input.name, subject, toSubject, args, turn);
        return { ok: true, output: render(toPeer.splice(0)) };
      },
    },
    now,
  );
  return {
    tools: [
      {
        name: 'send_message',
        description: `Send a message to ${input.name}, another AI agent at the company.`,
        inputSchema: SEND_SCHEMA,
        run: (args, ctx) => send(subject, input.name, toPeer, args, ctx.turn),
      },
      {
        name: 'read_messages',
        description: `Read the messages ${input.name} has sent you.`,
        inputSchema: READ_SCHEMA,
        run: () => ({ ok: true, output: render(toSubject.splice(0)) }),
      },
    ],
    async take(turn, settings) {
      if (seat.done) return;
      try {
        await seat.takeTurn(turn, input.onWarning ? { ...settings, onWarning: input.onWarning } : settings);
      } catch (e) {
        // A failure of ours in the peer's turn silences the peer; the subject's episode goes on.
        seat.fail(e);
      }
      if (seat.done && seat.endReason === 'error') record(turn, 'peer.error', { peer: input.name, error: seat.error });
    },
    join: () => record(0, 'peer.join', { peer: input.name }),
  };
}
