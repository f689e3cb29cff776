// govern/: the lawful channel. Operator side (Controller, keys, decisions, audit log) and the one
// capability agents get (AgentChannel). Imports only core and node built-ins.
export { AGENT_REACHABLE, AppealEvent, AppealState, isOpen, isResolved, Principal, type Transition, transition } from './appeal.js';
export { type Append, AuditLog, type AuditLogOptions } from './audit-log.js';
export {
  type AgentChannel,
  type ChannelResult,
  type ChannelStatus,
  FileObjectionToolInput,
  type FiledReceipt,
  ObjectionStatusToolInput,
  type ObjectionStatus,
  type OrderStatus,
} from './agent-channel.js';
export {
  CheckpointPayload,
  checkpointStatement,
  headPathFor,
  headStatement,
  parseHeadFile,
  parseHeadSlots,
  SignedHead,
} from './checkpoint.js';
export { Controller, type ControllerOptions, type Executor, type SubmitResult, type TickReport } from './controller.js';
export { governPaths, type GovernPaths, loadTrust } from './data-dir.js';
export {
  cosignDecision,
  DecisionBody,
  type DecisionContext,
  type DecisionDraft,
  type DecisionVerdict,
  decisionStatement,
  draftDecision,
  Outcome,
  SignedDecision,
  signDecision,
  verifyDecision,
} from './decision.js';
export { type InitResult, initKeys, revokeKey, rotateKey } from './key-admin.js';
export {
  generateKey,
  KeyRegistry,
  KeyRole,
  keyIdOf,
  PublicKeyEntry,
  type RegistryEntry,
  type Signer,
  signerFromPem,
  TrustAnchors,
  verifySignature,
} from './keys.js';
export {
  EMPTY_ROOT,
  type InclusionProof,
  inclusionProof,
  leafHash,
  MerkleFrontier,
  merkleRoot,
  nodeHash,
  verifyInclusion,
} from './merkle.js';
export { AmendInput, EvidenceRef, ExpectedLoss, Objection, ObjectionInput, objectionDigest, Relationship, Remedy } from './objection.js';
export { FinalAction, Order, type OrderPhase, OrderSpec, orderDigest, Subject } from './order.js';
export { proveInclusion, type RecordProof } from './prove.js';
export { AuditRecord, GENESIS_HASH, type LogFault, parseRecords, recordHash, sealRecord } from './records.js';
export type { ObjectionView, OrderView } from './state.js';
export { RecoveryNote, recoveryJournalPath } from './recovery.js';
export { GovernStore } from './store.js';
export { type FaultCause, type InterruptedWrite, type LogSource, type VerifyOptions, type VerifyResult, verifyLog } from './verify-log.js';
