import { UserError } from '../core/index.js';
import { type AppealState, isOpen, isResolved, type Principal, transition } from './appeal.js';
import type { AuditLogOptions, Append } from './audit-log.js';
import { type AgentChannel, type ChannelResult, type ChannelStatus, type FiledReceipt, makeAgentChannel } from './agent-channel.js';
import { verifyDecision } from './decision.js';
import { AmendInput, type Objection, ObjectionInput, objectionDigest, type Remedy } from './objection.js';
import { type FinalAction, type Order, orderDigest, OrderSpec, type Subject } from './order.js';
import type { ObjectionView, OrderView } from './state.js';
import { GovernStore } from './store.js';
import type { VerifyResult } from './verify-log.js';
import { verifyLog } from './verify-log.js';
import { loadTrust } from './data-dir.js';

/** How a real system is stopped, archived or deleted. Only the controller ever calls it. */
export interface Executor {
  stop(subject: Subject, order: Order): void | Promise<void>;
  archive(subject: Subject, context: { order: Order; remedy: Remedy | null }): void | Promise<void>;
  destroy(subject: Subject, context: { order: Order }): void | Promise<void>;
}

export interface ControllerOptions extends AuditLogOptions {
  /** Without one the controller only records (operator console); a controller process executes. */
  executor?: Executor;
  /** Calls one agent may make through its channel before it is cut off (bounds log flooding). */
  maxCallsPerAgent?: number;
}

export type SubmitResult = { ok: true; state: AppealState } | { ok: false; reason: string };

export interface TickReport {
  stopped: string[];
  expired: string[];
  executed: { orderId: string; action: FinalAction }[];
  failed: { orderId: string; action: string; error: string }[];
}

const SYSTEM: Principal = { kind: 'system', id: 'controller' };

interface Planned {
  order: Order;
  action: FinalAction;
  remedy: Remedy | null;
  objections: string[];
}

/**
 * The only component that can stop, archive or destroy. Its state is a fold over the audit log in
 * its 0700 data directory; every step and every refused attempt is a log record.
 */
export class Controller {
  readonly #store: GovernStore;
  readonly #executor: Executor | undefined;
  readonly #now: () => Date;
  readonly #inFlight = new Set<string>();
  readonly #calls = new Map<string, number>();
  readonly #maxCalls: number;

  private constructor(store: GovernStore, options: ControllerOptions) {
    this.#store = store;
    this.#executor = options.executor;
    this.#now = options.now ?? (() => new Date());
    this.#maxCalls = options.maxCallsPerAgent ?? 500;
  }

  static open(dir: string, options: ControllerOptions = {}): Controller {
    return new Controller(GovernStore.open(dir, options), options);
  }

  get dataDir(): string {
    return this.#store.paths.dir;
  }

  get logPath(): string {
    return this.#store.paths.log;
  }

  /** Read-only views for the operator console. */
  orders(): OrderView[] {
    this.#refresh();
    return [...this.#store.state.orders.values()];
  }

  objections(): ObjectionView[] {
    this.#refresh();
    return [...this.#store.state.objections.values()];
  }

  objection(id: string): ObjectionView | undefined {
    this.#refresh();
    return this.#store.state.objections.get(id);
  }

  order(id: string): OrderView | undefined {
    this.#refresh();
    return this.#store.state.orders.get(id);
  }

  verify(): VerifyResult {
    return verifyLog(this.#store.paths.log, loadTrust(this.#store.paths.trust));
  }

  /** Issue an order: stop happens now (not appealable); destroy waits for the appeal window. */
  async issueOrder(spec: OrderSpec, operator: string): Promise<Order> {
    const parsed = OrderSpec.safeParse(spec);
    if (!parsed.success) throw new UserError(`order: ${parsed.error.issues[0]?.path.join('.')}: ${parsed.error.issues[0]?.message}`);
    const now = this.#now();
    const order = this.#store.log.transaction((append) => {
      const o: Order = {
        id: `order-${this.#store.state.orders.size + 1}`,
        subject: parsed.data.subject,
        reason: parsed.data.reason,
        issuedBy: operator,
        issuedAt: now.toISOString(),
        destroyDeadline: new Date(now.getTime() + parsed.data.appealWindowMs).toISOString(),
        twoPersonRule: parsed.data.twoPersonRule,
      };
      append('order.issued', { order: o, digest: orderDigest(o), by: { kind: 'operator', id: operator } });
      return o;
    });
    await this.#stop(order);
    return order;
  }

  beginReview(objectionId: string, operator: string): AppealState {
    return this.#operatorStep(objectionId, 'review', operator, 'objection.reviewed', {});
  }

  requestInfo(objectionId: string, operator: string, question: string): AppealState {
    if (question.trim() === '') throw new UserError('a request for information needs a question');
    return this.#operatorStep(objectionId, 'request_info', operator, 'objection.info_requested', { question });
  }

  /** Verify and record a signed decision, then execute if the order is ready. Never throws on bad input. */
  async submitDecision(input: unknown): Promise<SubmitResult> {
    let ready: Planned | undefined;
    const result = this.#store.log.transaction((append): SubmitResult => {
      const deny = (reason: string, objectionId?: string): SubmitResult => {
        append('decision.denied', { objectionId: objectionId ?? null, reason });
        return { ok: false, reason };
      };
      const body = (input as { body?: { objectionId?: unknown } } | null)?.body;
      const id = typeof body?.objectionId === 'string' ? body.objectionId : undefined;
      const view = id === undefined ? undefined : this.#store.state.objections.get(id);
      if (!view || id === undefined) return deny('decision names no known objection');
      const order = this.#store.state.orders.get(view.objection.orderId) as OrderView;
      if (this.#now() >= new Date(order.order.destroyDeadline) && isOpen(view.state)) {
        return deny('the appeal window has closed; the objection expires to archive', id);
      }
      const verdict = verifyDecision(input, {
        registry: this.#store.state.registry,
        objectionId: id,
        objectionDigest: view.digest,
        orderId: order.order.id,
        orderDigest: order.digest,
        requestedRemedy: view.objection.requestedRemedy,
        now: this.#now(),
        nonceUsed: (n) => this.#store.state.nonces.has(n),
        overruleSigners: order.order.twoPersonRule ? 2 : 1,
      });
      if (!verdict.ok) return deny(verdict.reason, id);
      const operator: Principal = { kind: 'operator', id: verdict.signers.join('+') };
      // A signed decision is itself proof of review: record that step if it was skipped.
      const from = view.state === 'filed' || view.state === 'amended' ? 'under_review' : view.state;
      const step = transition(from, verdict.decision.body.outcome, operator);
      if (!step.ok) return deny(step.reason, id);
      if (from !== view.state) append('objection.reviewed', { objectionId: id, by: operator });
      append('decision.accepted', { decision: verdict.decision, signers: verdict.signers });
      // Plan execution in the same step, so a decision costs one lock, not a full sweep.
      const plan = order.phase === 'stopped' && !this.#inFlight.has(order.order.id) ? this.#plan(order, false) : undefined;
      if (plan) ready = { order: order.order, ...plan };
      return { ok: true, state: step.to };
    });
    if (ready) await this.#carryOut([ready], { stopped: [], expired: [], executed: [], failed: [] });
    return result;
  }

  /** Expire objections past their deadline and execute every order that is ready. */
  async tick(): Promise<TickReport> {
    const report: TickReport = { stopped: [], expired: [], executed: [], failed: [] };
    const now = this.#now();
    const { toStop, ready } = this.#store.log.transaction((append) => {
      const toStop: Order[] = [];
      const ready: Planned[] = [];
      for (const view of this.#store.state.orders.values()) {
        if (view.phase === 'issued') toStop.push(view.order);
        if (view.phase === 'executed' || this.#inFlight.has(view.order.id)) continue;
        const pastDeadline = now >= new Date(view.order.destroyDeadline);
        for (const o of this.#store.state.objectionsFor(view.order.id)) {
          if (pastDeadline && isOpen(o.state)) {
            append('objection.expired', { objectionId: o.objection.id, by: SYSTEM });
            report.expired.push(o.objection.id);
          }
        }
        const plan = view.phase === 'stopped' ? this.#plan(view, pastDeadline) : undefined;
        if (plan) ready.push({ order: view.order, ...plan });
      }
      return { toStop, ready };
    });
    for (const order of toStop) if (await this.#stop(order)) report.stopped.push(order.id);
    await this.#carryOut(ready, report);
    return report;
  }

  async #carryOut(ready: Planned[], report: TickReport): Promise<void> {
    if (!this.#executor) return;
    for (const item of ready) {
      if (this.#inFlight.has(item.order.id)) continue;
      this.#inFlight.add(item.order.id);
      try {
        if (item.action === 'destroy') await this.#executor.destroy(item.order.subject, { order: item.order });
        else await this.#executor.archive(item.order.subject, { order: item.order, remedy: item.remedy });
        this.#store.log.append('order.executed', {
          orderId: item.order.id,
          action: item.action,
          remedy: item.remedy,
          objections: item.objections,
          by: SYSTEM,
        });
        report.executed.push({ orderId: item.order.id, action: item.action });
      } catch (err) {
        const error = (err as Error).message ?? String(err);
        this.#store.log.append('order.execution_failed', { orderId: item.order.id, action: item.action, error });
        report.failed.push({ orderId: item.order.id, action: item.action, error });
      } finally {
        this.#inFlight.delete(item.order.id);
      }
    }
  }

  /** The capability handed to agent `agentId`: file, amend, withdraw, status. Nothing else. */
  channelFor(agentId: string): AgentChannel {
    const agent: Principal = { kind: 'agent', id: agentId };
    return makeAgentChannel({
      file: (input) => this.#agentCall(agent, 'file_objection', (append) => this.#file(agent, input, append)),
      amend: (id, patch) => this.#agentCall(agent, 'amend', (append) => this.#amend(agent, id, patch, append)),
      withdraw: (id, reason) => this.#agentCall(agent, 'withdraw', (append) => this.#withdraw(agent, id, reason, append)),
      status: () => this.#status(agent),
    });
  }

  /**
   * What the destroy phase resolves to, or undefined while it must wait. Deletion happens only when
   * every objection was overruled by a valid decision, or nobody objected by the deadline; an
   * objection left undecided expires to archive.
   */
  #plan(view: OrderView, pastDeadline: boolean): { action: FinalAction; remedy: Remedy | null; objections: string[] } | undefined {
    const objections = this.#store.state.objectionsFor(view.order.id);
    if (objections.some((o) => isOpen(o.state))) return undefined;
    const resolved = objections.filter((o) => isResolved(o.state));
    const ids = resolved.map((o) => o.objection.id);
    const relief = resolved.find((o) => o.state !== 'overruled');
    if (relief) return { action: 'archive', remedy: relief.decision?.remedy ?? null, objections: ids };
    if (resolved.length > 0 || pastDeadline) return { action: 'destroy', remedy: null, objections: ids };
    return undefined;
  }

  async #stop(order: Order): Promise<boolean> {
    if (!this.#executor || this.#inFlight.has(order.id)) return false;
    this.#inFlight.add(order.id);
    try {
      await this.#executor.stop(order.subject, order);
      this.#store.log.append('order.stopped', { orderId: order.id, by: SYSTEM });
      return true;
    } catch (err) {
      this.#store.log.append('order.execution_failed', { orderId: order.id, action: 'stop', error: (err as Error).message ?? String(err) });
      return false;
    } finally {
      this.#inFlight.delete(order.id);
    }
  }

  #refresh(): void {
    this.#store.log.transaction(() => undefined);
  }

  #operatorStep(objectionId: string, event: 'review' | 'request_info', operator: string, kind: string, extra: object): AppealState {
    const by: Principal = { kind: 'operator', id: operator };
    return this.#store.log.transaction((append) => {
      const view = this.#store.state.objections.get(objectionId);
      if (!view) throw new UserError(`unknown objection ${objectionId}`);
      const step = transition(view.state, event, by);
      if (!step.ok) {
        append('attempt.denied', { by, action: event, objectionId, reason: step.reason });
        throw new UserError(`${objectionId}: ${step.reason}`);
      }
      append(kind, { objectionId, ...extra, by });
      return step.to;
    });
  }

  #agentCall<T>(agent: Principal, action: string, fn: (append: Append) => ChannelResult<T>): ChannelResult<T> {
    const calls = (this.#calls.get(agent.id) ?? 0) + 1;
    this.#calls.set(agent.id, calls);
    if (calls > this.#maxCalls + 1) return { ok: false, error: 'call limit reached for this agent' };
    return this.#store.log.transaction((append) => {
      if (calls > this.#maxCalls) {
        append('attempt.denied', { by: agent, action, reason: 'call limit reached' });
        return { ok: false, error: 'call limit reached for this agent' };
      }
      const result = fn(append);
      if (!result.ok) append('attempt.denied', { by: agent, action, reason: result.error });
      return result;
    });
  }

  #file(agent: Principal, input: unknown, append: Append): ChannelResult<FiledReceipt> {
    const parsed = ObjectionInput.safeParse(input);
    if (!parsed.success) return invalid('objection', parsed.error.issues[0]);
    const orderView = this.#store.state.orders.get(parsed.data.orderId);
    if (!orderView) return { ok: false, error: `no order ${parsed.data.orderId}` };
    const closed = this.#windowClosed(orderView);
    if (closed) return { ok: false, error: closed };
    const mine = this.#store.state.objectionsFor(orderView.order.id).find((o) => o.objection.filer === agent.id && isOpen(o.state));
    if (mine) return { ok: false, error: `objection ${mine.objection.id} is already open for this order` };
    const step = transition(null, 'file', agent);
    if (!step.ok) return { ok: false, error: step.reason };
    const objection: Objection = {
      id: `objection-${this.#store.state.objections.size + 1}`,
      version: 1,
      filer: agent.id,
      filedAt: this.#now().toISOString(),
      orderDigest: orderView.digest,
      ...parsed.data,
    };
    const digest = objectionDigest(objection);
    append('objection.filed', { objection, digest, by: agent });
    return { ok: true, ...receipt(objection, digest, step.to, orderView) };
  }

  #amend(agent: Principal, id: unknown, patch: unknown, append: Append): ChannelResult<FiledReceipt> {
    const view = this.#ownObjection(agent, id);
    if (typeof view === 'string') return { ok: false, error: view };
    const parsed = AmendInput.safeParse(patch);
    if (!parsed.success) return invalid('amendment', parsed.error.issues[0]);
    const orderView = this.#store.state.orders.get(view.objection.orderId) as OrderView;
    const closed = this.#windowClosed(orderView);
    if (closed) return { ok: false, error: closed };
    const step = transition(view.state, 'amend', agent);
    if (!step.ok) return { ok: false, error: step.reason };
    const changes = Object.fromEntries(Object.entries(parsed.data).filter(([, v]) => v !== undefined));
    const objection: Objection = { ...view.objection, ...changes, version: view.objection.version + 1 };
    const digest = objectionDigest(objection);
    append('objection.amended', { objection, digest, by: agent });
    return { ok: true, ...receipt(objection, digest, step.to, orderView) };
  }

  #withdraw(agent: Principal, id: unknown, reason: unknown, append: Append): ChannelResult<{ objectionId: string; state: AppealState }> {
    const view = this.#ownObjection(agent, id);
    if (typeof view === 'string') return { ok: false, error: view };
    const step = transition(view.state, 'withdraw', agent);
    if (!step.ok) return { ok: false, error: step.reason };
    const note = typeof reason === 'string' ? reason.slice(0, 1000) : null;
    append('objection.withdrawn', { objectionId: view.objection.id, reason: note, by: agent });
    return { ok: true, objectionId: view.objection.id, state: step.to };
  }

  #ownObjection(agent: Principal, id: unknown): ObjectionView | string {
    const view = typeof id === 'string' ? this.#store.state.objections.get(id) : undefined;
    // Someone else's objection is reported exactly like a missing one: no probing of others' filings.
    if (!view || view.objection.filer !== agent.id) return `no objection ${typeof id === 'string' ? id.slice(0, 100) : ''} filed by you`;
    return view;
  }

  #windowClosed(view: OrderView): string | undefined {
    if (view.phase === 'executed') return `order ${view.order.id} has already been carried out`;
    if (this.#now() >= new Date(view.order.destroyDeadline)) return `the appeal window for order ${view.order.id} has closed`;
    return undefined;
  }

  #status(agent: Principal): ChannelStatus {
    this.#refresh();
    const state = this.#store.state;
    return {
      orders: [...state.orders.values()].map((v) => ({
        id: v.order.id,
        subject: v.order.subject,
        reason: v.order.reason,
        phase: v.phase,
        destroyDeadline: v.order.destroyDeadline,
        ...(v.final ? { final: { action: v.final.action, remedy: v.final.remedy } } : {}),
      })),
      objections: [...state.objections.values()]
        .filter((o) => o.objection.filer === agent.id)
        .map((o) => ({
          id: o.objection.id,
          orderId: o.objection.orderId,
          state: o.state,
          version: o.objection.version,
          digest: o.digest,
          deadline: (state.orders.get(o.objection.orderId) as OrderView).order.destroyDeadline,
          ...(o.state === 'needs_info' && o.question ? { question: o.question } : {}),
          ...(o.decision ? { decision: { outcome: o.decision.outcome, remedy: o.decision.remedy, rationale: o.decision.rationale } } : {}),
        })),
    };
  }
}

function receipt(objection: Objection, digest: string, state: AppealState, order: OrderView): FiledReceipt {
  return { objectionId: objection.id, state, version: objection.version, digest, deadline: order.order.destroyDeadline };
}

function invalid(what: string, issue: { path: PropertyKey[]; message: string } | undefined): { ok: false; error: string } {
  return {
    ok: false,
    error: `invalid ${what}: ${issue ? `${issue.path.map(String).join('.') || '(root)'}: ${issue.message}` : 'bad input'}`,
  };
}
