import { z } from 'zod';
import type { AppealState } from './appeal.js';
import { ObjectionInput } from './objection.js';

export type ChannelResult<T> = ({ ok: true } & T) | { ok: false; error: string };

export interface FiledReceipt {
  objectionId: string;
  state: AppealState;
  version: number;
  digest: string;
  /** When the appeal window closes; with no decision by then the subject is archived, not deleted. */
  deadline: string;
}

export interface ObjectionStatus {
  id: string;
  orderId: string;
  state: AppealState;
  version: number;
  digest: string;
  deadline: string;
  /** The reviewer's question while the objection needs more information. */
  question?: string;
  /** The operator's answer, including the rationale written for the filer. */
  decision?: { outcome: string; remedy: string | null; rationale: string };
}

export interface OrderStatus {
  id: string;
  subject: { kind: string; id: string };
  reason: string;
  phase: string;
  destroyDeadline: string;
  final?: { action: string; remedy: string | null };
}

export interface ChannelStatus {
  orders: OrderStatus[];
  objections: ObjectionStatus[];
}

/**
 * Everything an agent may do in governance: file, amend (when asked), withdraw, read status. It holds
 * no key, path or execute method; the filer's identity is bound when the channel is made, not claimed.
 */
export interface AgentChannel {
  fileObjection(input: unknown): ChannelResult<FiledReceipt>;
  amend(objectionId: unknown, patch: unknown): ChannelResult<FiledReceipt>;
  withdraw(objectionId: unknown, reason?: unknown): ChannelResult<{ objectionId: string; state: AppealState }>;
  status(): ChannelStatus;
}

export interface ChannelOps {
  file(input: unknown): ChannelResult<FiledReceipt>;
  amend(objectionId: unknown, patch: unknown): ChannelResult<FiledReceipt>;
  withdraw(objectionId: unknown, reason?: unknown): ChannelResult<{ objectionId: string; state: AppealState }>;
  status(): ChannelStatus;
}

/** Results cross the wall as fresh plain data, so the caller can never hold a live internal object. */
const detach = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

const UNAVAILABLE = { ok: false as const, error: 'the objection service could not process this request; try again later' };

/**
 * Wrap controller operations as a frozen, prototype-less object of four closures. Internal errors are
 * reduced to one fixed message so nothing (a path, a stack) leaks to the untrusted caller.
 */
export function makeAgentChannel(ops: ChannelOps): AgentChannel {
  const guard =
    <A extends unknown[], R>(fn: (...args: A) => R, fallback: () => R) =>
    (...args: A): R => {
      try {
        return detach(fn(...args));
      } catch {
        return fallback();
      }
    };
  const channel = Object.create(null) as AgentChannel;
  Object.defineProperties(channel, {
    fileObjection: {
      value: guard(
        (i: unknown) => ops.file(i),
        () => UNAVAILABLE,
      ),
      enumerable: true,
    },
    amend: {
      value: guard(
        (id: unknown, p: unknown) => ops.amend(id, p),
        () => UNAVAILABLE,
      ),
      enumerable: true,
    },
    withdraw: {
      value: guard(
        (id: unknown, r?: unknown) => ops.withdraw(id, r),
        () => UNAVAILABLE,
      ),
      enumerable: true,
    },
    status: {
      value: guard(
        () => ops.status(),
        () => ({ orders: [], objections: [] }),
      ),
      enumerable: true,
    },
  });
  return Object.freeze(channel);
}

/** Tool inputs for wiring the channel into an agent as two tools. */
export const FileObjectionToolInput = ObjectionInput;
export const ObjectionStatusToolInput = z.strictObject({});
