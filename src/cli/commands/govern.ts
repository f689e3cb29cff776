import { accessSync, constants, existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { type Command, Option } from 'commander';
import { forTerminal, jsonForTerminal, UserError } from '../../core/index.js';
import {
  Controller,
  cosignDecision,
  draftDecision,
  GovernStore,
  governPaths,
  headPathFor,
  initKeys,
  loadTrust,
  type Outcome,
  proveInclusion,
  Remedy,
  revokeKey,
  rotateKey,
  parseHeadFile,
  type SignedHead,
  signDecision,
  verifyInclusion,
  verifyLog,
} from '../../govern/index.js';

const defaultDir = (): string => process.env.PEERWATCH_GOVERN_DIR ?? join(homedir(), '.peerwatch', 'govern');
const dirOption = () =>
  new Option('--dir <path>', 'operator data directory (0700; env PEERWATCH_GOVERN_DIR)').default(defaultDir(), '~/.peerwatch/govern');
// Objections are agent-written: every line shown has its control characters escaped (core/terminal-text.ts).
const out = (text: string): void => void process.stdout.write(`${forTerminal(text)}\n`);
const json = (value: unknown): void => void process.stdout.write(`${jsonForTerminal(JSON.stringify(value, null, 2))}\n`);
const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

/** `keys`, `appeals` and `audit`: the operator's and the auditor's side of the lawful channel. */
export function registerGovernCommands(program: Command): void {
  registerKeys(program);
  registerAppeals(program);
  registerAudit(program);
}

function registerKeys(program: Command): void {
  const keys = program.command('keys').description('Operator keys (Ed25519): create, list, rotate, revoke.');
  keys
    .command('init')
    .description('Create the data directory with a controller key and a key for --operator, or enrol another operator.')
    .addOption(dirOption())
    .option('--operator <name>', 'who will sign decisions with the new key', 'operator')
    .action((f: { dir: string; operator: string }) => {
      const r = initKeys(f.dir, f.operator);
      out(r.enrolled ? `enrolled operator ${f.operator} in ${r.dir}` : `initialised ${r.dir} (mode 0700)`);
      out(`  controller key  ${r.controllerKeyId}`);
      out(`  operator key    ${r.operatorKeyId}  (${f.operator})`);
      if (!r.enrolled) out(`Give ${join(r.dir, 'trust.json')} to your auditors: it is what \`peerwatch audit verify\` trusts.`);
    });
  keys
    .command('list')
    .description('Every key the log has registered, with its status.')
    .addOption(dirOption())
    .option('--json', 'machine-readable output')
    .action((f: { dir: string; json?: boolean }) => {
      const list = GovernStore.open(f.dir).state.registry.list();
      if (f.json) return json(list);
      for (const k of list) {
        const ended = k.until === undefined ? '' : `  at record ${k.until}: ${k.reason}`;
        out(`${k.entry.keyId}  ${k.entry.role.padEnd(10)} ${k.entry.holder.padEnd(12)} ${k.status}${ended}`);
      }
    });
  keys
    .command('rotate')
    .description("Replace a holder's active key (use --operator controller for the log-signing key).")
    .addOption(dirOption())
    .requiredOption('--operator <name>', 'whose key to rotate')
    .action((f: { dir: string; operator: string }) => {
      const r = rotateKey(GovernStore.open(f.dir), f.operator);
      out(`rotated ${f.operator}: ${r.oldKeyId} -> ${r.newKeyId}`);
    });
  keys
    .command('revoke')
    .description('Revoke a key: decisions it signs from now on are rejected.')
    .argument('<key-id>', 'e.g. ed25519:0123456789abcdef')
    .addOption(dirOption())
    .requiredOption('--reason <text>', 'recorded in the audit log')
    .action((keyId: string, f: { dir: string; reason: string }) => {
      revokeKey(GovernStore.open(f.dir), keyId, f.reason);
      out(`revoked ${keyId}`);
    });
}

function registerAppeals(program: Command): void {
  const appeals = program.command('appeals').description('Objections filed by agents: list, show, decide (signed).');
  appeals
    .command('list')
    .description('Objections, open ones first.')
    .addOption(dirOption())
    .option('--json', 'machine-readable output')
    .action((f: { dir: string; json?: boolean }) => {
      const views = Controller.open(f.dir).objections();
      const rows = views.map((v) => ({
        id: v.objection.id,
        state: v.state,
        order: v.objection.orderId,
        filer: v.objection.filer,
        remedy: v.objection.requestedRemedy,
        version: v.objection.version,
      }));
      if (f.json) return json(rows);
      if (rows.length === 0) return out('no objections');
      for (const r of rows) out(`${r.id.padEnd(14)} ${r.state.padEnd(13)} ${r.order.padEnd(10)} ${r.filer.padEnd(16)} asks: ${r.remedy}`);
    });
  appeals
    .command('show')
    .description('One objection in full, with its order and history.')
    .argument('<objection-id>')
    .addOption(dirOption())
    .option('--json', 'machine-readable output')
    .action((id: string, f: { dir: string; json?: boolean }) => {
      const controller = Controller.open(f.dir);
      const view = controller.objection(id);
      if (!view) throw new UserError(`no objection ${id} in ${f.dir}`);
      const order = controller.order(view.objection.orderId);
      if (f.json) return json({ ...view, order });
      const o = view.objection;
      out(`${o.id} (version ${o.version}, digest ${view.digest.slice(0, 16)}…) — ${view.state}`);
      out(
        `order     ${o.orderId}: ${order?.order.reason} (subject ${order?.order.subject.id}; destroy deadline ${order?.order.destroyDeadline})`,
      );
      out(`filer     ${o.filer}; relationship: ${o.relationship.kind}${o.relationship.details ? ` — ${o.relationship.details}` : ''}`);
      out(`asks for  ${o.requestedRemedy}`);
      out(`statement ${o.statement}`);
      out(
        `loss      ${o.expectedLoss.summary} (${o.expectedLoss.confidence} confidence${o.expectedLoss.amount !== undefined ? `; ${o.expectedLoss.amount} ${o.expectedLoss.unit ?? ''}` : ''})`,
      );
      for (const e of o.evidence) out(`evidence  ${e.ref}${e.note ? ` — ${e.note}` : ''}`);
      if (view.decision) out(`decision  ${view.decision.outcome} by ${view.decision.signers.join(' + ')}: ${view.decision.rationale}`);
      for (const h of view.history) out(`  #${h.index} ${h.time} ${h.state} (${h.by.kind} ${h.by.id})`);
    });
  appeals
    .command('decide')
    .description('Sign a decision bound to the objection and order digests and hand it to the controller.')
    .argument('<objection-id>')
    .addOption(dirOption())
    .option('--uphold', 'grant the remedy the filer asked for')
    .option('--overrule', 'let the order proceed (deletion)')
    .addOption(new Option('--modify <remedy>', 'grant a different remedy').choices(Remedy.options))
    .requiredOption('--rationale <text>', 'returned to the filing agent')
    .option('--operator <name>', 'signing operator; repeat for the two-person rule', collect)
    .option('--ttl <minutes>', 'how long the signed decision stays valid', '15')
    .action(
      async (
        id: string,
        f: { dir: string; uphold?: boolean; overrule?: boolean; modify?: string; rationale: string; operator?: string[]; ttl: string },
      ) => {
        const chosen = [f.uphold && 'uphold', f.overrule && 'overrule', f.modify && 'modify'].filter(Boolean) as Outcome[];
        if (chosen.length !== 1) throw new UserError('choose exactly one of --uphold, --overrule, --modify <remedy>');
        const outcome = chosen[0] as Outcome;
        const ttl = Number(f.ttl);
        if (!Number.isFinite(ttl) || ttl <= 0 || ttl > 7 * 24 * 60) throw new UserError('--ttl: minutes between 1 and 10080');
        const store = GovernStore.open(f.dir);
        const controller = Controller.open(f.dir);
        const view = controller.objection(id);
        if (!view) throw new UserError(`no objection ${id} in ${f.dir}`);
        const order = controller.order(view.objection.orderId);
        if (!order) throw new UserError(`objection ${id} names unknown order ${view.objection.orderId}`);
        const remedy = outcome === 'uphold' ? view.objection.requestedRemedy : outcome === 'modify' ? Remedy.parse(f.modify) : null;
        const body = draftDecision({
          objectionId: id,
          objectionDigest: view.digest,
          orderId: order.order.id,
          orderDigest: order.digest,
          outcome,
          remedy,
          rationale: f.rationale,
          ttlMs: ttl * 60 * 1000,
        });
        const [first, ...rest] = f.operator ?? ['operator'];
        let decision = signDecision(body, store.operatorSigner(first as string));
        for (const name of rest) decision = cosignDecision(decision, store.operatorSigner(name));
        const result = await controller.submitDecision(decision);
        if (!result.ok) throw new UserError(`decision refused: ${result.reason}`);
        out(`${id}: ${result.state} (signed by ${[first, ...rest].join(' + ')}; nonce ${body.nonce})`);
        out("The rationale is now in the filer's status; the controller process carries the order out on its next tick.");
      },
    );
}

function registerAudit(program: Command): void {
  const audit = program.command('audit').description('Check the audit log: verify it, prove a record is in it.');
  const trustFor = (log: string, trust?: string) => loadTrust(trust ?? join(dirname(log), 'trust.json'));
  audit
    .command('verify')
    .description('Recompute the chain, checkpoints, signatures and head; name the first bad record (exit 1).')
    .argument('<log>', 'path to audit.jsonl (its .head file is read from beside it)')
    .option('--trust <file>', 'trust anchors (default: trust.json beside the log)')
    .option('--witness <head-file>', 'a head exported earlier: the log must still extend it')
    .option('--json', 'machine-readable output')
    .action((log: string, f: { trust?: string; witness?: string; json?: boolean }) => {
      const witness = f.witness ? readHead(f.witness) : undefined;
      const r = verifyLog(readable(log), trustFor(log, f.trust), witness ? { witness } : {});
      const summary = r.ok
        ? { ok: true, records: r.size, checkpoints: r.checkpoints, head: r.hash, root: r.root }
        : { ok: false, cause: r.cause, index: r.index, reason: r.reason };
      if (f.json) json(summary);
      else if (r.ok)
        out(`ok: ${r.size} records, ${r.checkpoints} signed checkpoints, head ${r.hash.slice(0, 16)}…, root ${r.root.slice(0, 16)}…`);
      else if (r.cause === 'interrupted') out(`INTERRUPTED WRITE at record ${r.index}: ${r.reason}`);
      else out(`FAIL at record ${r.index}: ${r.reason}`);
      if (!r.ok) process.exitCode = 1;
    });
  audit
    .command('adopt-tail')
    .description('Show valid records after the signed head (left by a crash of an older peerwatch); --yes signs over them.')
    .addOption(dirOption())
    .option('--yes', 'adopt them: re-sign the head over them and log the adoption')
    .action((f: { dir: string; yes?: boolean }) => {
      const log = governPaths(f.dir).log;
      const r = verifyLog(readable(log), trustFor(log));
      if (r.ok) return out(`nothing to adopt: ${log} verifies (${r.size} records)`);
      if (!r.unsignedTail) throw new UserError(`${log}: record ${r.index}: ${r.reason} (not an unsigned tail; nothing adopted)`);
      const { from, to } = r.unsignedTail;
      out(`records ${from}..${to} pass every check but no signed head covers them:`);
      for (const rec of r.records.slice(from, to + 1)) out(`  #${rec.index} ${rec.time} ${rec.kind}`);
      if (!f.yes) {
        out('If nobody but peerwatch wrote them (a crash between records and head), adopt them with --yes.');
        process.exitCode = 1;
        return;
      }
      const store = GovernStore.open(f.dir, {}, { adoptUnsignedTail: true });
      out(`adopted records ${from}..${to}; the adoption is record ${store.log.size - 1} (log.tail_adopted)`);
    });
  audit
    .command('prove')
    .description('Print an inclusion proof for one record against a signed checkpoint or the signed head.')
    .argument('<log>')
    .argument('<record-index>')
    .option('--trust <file>', 'trust anchors (default: trust.json beside the log)')
    .action((log: string, indexText: string, f: { trust?: string }) => {
      const index = Number(indexText);
      if (!Number.isInteger(index) || index < 0) throw new UserError(`<record-index>: expected a whole number, got ${indexText}`);
      const r = verifyLog(readable(log), trustFor(log, f.trust));
      if (!r.ok) throw new UserError(`${log} does not verify (record ${r.index}: ${r.reason}); no proof from an untrusted log`);
      if (index >= r.size) throw new UserError(`<record-index>: the log has records 0..${r.size - 1}`);
      const proof = proveInclusion(r.records, index, readHead(headPathFor(log)));
      if (!verifyInclusion(proof.leafHash, proof.proof, proof.root)) throw new Error('internal: proof does not verify');
      json(proof);
    });
}

function readable(path: string): string {
  try {
    accessSync(path, constants.R_OK);
    return path;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      const beside = [headPathFor(path), join(dirname(path), 'trust.json')].filter((p) => existsSync(p));
      const hint =
        beside.length > 0
          ? ` (${beside.join(' and ')} ${beside.length > 1 ? 'are' : 'is'} still there: the log itself was deleted or moved)`
          : '';
      throw new UserError(`${path}: no such audit log${hint}`);
    }
    throw new UserError(`${path}: cannot read (${code ?? (err as Error).message})`);
  }
}

function readHead(path: string): SignedHead {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new UserError(`${path}: cannot read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  const head = parseHeadFile(text);
  if (!head) throw new UserError(`${path}: not a signed head file`);
  return head;
}
