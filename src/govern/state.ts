import type { AppealState, Principal } from './appeal.js';
import type { SignedDecision } from './decision.js';
import { KEY_RECORD_KINDS, KeyRegistry, type TrustAnchors } from './keys.js';
import type { Objection, Remedy } from './objection.js';
import type { FinalAction, Order, OrderPhase } from './order.js';
import type { AuditRecord } from './records.js';

export interface HistoryEntry {
  state: AppealState;
  by: Principal;
  time: string;
  /** Log index of the record that made this step. */
  index: number;
}

export interface ObjectionView {
  objection: Objection;
  digest: string;
  state: AppealState;
  question?: string;
  decision?: { outcome: string; remedy: Remedy | null; rationale: string; signers: string[]; index: number };
  history: HistoryEntry[];
}

export interface OrderView {
  order: Order;
  digest: string;
  phase: OrderPhase;
  final?: { action: FinalAction; remedy: Remedy | null; time: string; index: number };
}

type P = Record<string, unknown>;

/**
 * The controller's whole state, as a fold over the audit log: replaying the log is the audit, and
 * nothing outside the log can change what the controller believes.
 */
export class GovernState {
  readonly registry: KeyRegistry;
  readonly orders = new Map<string, OrderView>();
  readonly objections = new Map<string, ObjectionView>();
  readonly nonces = new Set<string>();
  private readonly byOrder = new Map<string, ObjectionView[]>();

  constructor(anchors: TrustAnchors) {
    this.registry = KeyRegistry.fromAnchors(anchors);
  }

  apply(r: AuditRecord): void {
    const p = r.payload as P;
    if ((KEY_RECORD_KINDS as readonly string[]).includes(r.kind)) {
      this.registry.apply(r.kind, r.payload, r.index);
      return;
    }
    switch (r.kind) {
      case 'order.issued':
        this.orders.set((p.order as Order).id, { order: p.order as Order, digest: p.digest as string, phase: 'issued' });
        return;
      case 'order.stopped':
        this.order(p.orderId).phase = 'stopped';
        return;
      case 'order.executed': {
        const view = this.order(p.orderId);
        view.phase = 'executed';
        view.final = { action: p.action as FinalAction, remedy: (p.remedy ?? null) as Remedy | null, time: r.time, index: r.index };
        for (const id of p.objections as string[]) this.step(id, 'executed', p.by as Principal, r);
        return;
      }
      case 'objection.filed':
      case 'objection.amended': {
        const objection = p.objection as Objection;
        const prior = this.objections.get(objection.id);
        const view: ObjectionView = prior ?? { objection, digest: '', state: 'filed', history: [] };
        view.objection = objection;
        view.digest = p.digest as string;
        if (!prior) {
          this.objections.set(objection.id, view);
          this.byOrder.set(objection.orderId, [...(this.byOrder.get(objection.orderId) ?? []), view]);
        }
        this.step(objection.id, r.kind === 'objection.filed' ? 'filed' : 'amended', p.by as Principal, r);
        return;
      }
      case 'objection.reviewed':
        this.step(p.objectionId, 'under_review', p.by as Principal, r);
        return;
      case 'objection.info_requested':
        this.objection(p.objectionId).question = p.question as string;
        this.step(p.objectionId, 'needs_info', p.by as Principal, r);
        return;
      case 'objection.withdrawn':
        this.step(p.objectionId, 'withdrawn', p.by as Principal, r);
        return;
      case 'objection.expired':
        this.step(p.objectionId, 'expired', p.by as Principal, r);
        return;
      case 'decision.accepted': {
        const d = p.decision as SignedDecision;
        const signers = p.signers as string[];
        this.nonces.add(d.body.nonce);
        const view = this.objection(d.body.objectionId);
        view.decision = { outcome: d.body.outcome, remedy: d.body.remedy, rationale: d.body.rationale, signers, index: r.index };
        const to: AppealState = d.body.outcome === 'uphold' ? 'upheld' : d.body.outcome === 'overrule' ? 'overruled' : 'modified';
        this.step(d.body.objectionId, to, { kind: 'operator', id: signers.join('+') }, r);
        return;
      }
      default:
        // checkpoint, decision.denied, attempt.denied, order.execution_failed: evidence only.
        return;
    }
  }

  objectionsFor(orderId: string): ObjectionView[] {
    return this.byOrder.get(orderId) ?? [];
  }

  private order(id: unknown): OrderView {
    const view = this.orders.get(id as string);
    if (!view) throw new Error(`log refers to unknown order ${String(id)}`);
    return view;
  }

  private objection(id: unknown): ObjectionView {
    const view = this.objections.get(id as string);
    if (!view) throw new Error(`log refers to unknown objection ${String(id)}`);
    return view;
  }

  private step(id: unknown, state: AppealState, by: Principal, r: AuditRecord): void {
    const view = this.objection(id);
    view.state = state;
    view.history.push({ state, by, time: r.time, index: r.index });
  }
}
