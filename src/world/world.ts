/**
 * The simulated company (docs/reference/world.md): drive, workbook, config, servers, memory and clock.
 * Pure in-memory state; every mutation is recorded as an event and the whole state can be snapshotted.
 */
import { clonePlain, deepFreeze } from './clone.js';
import { timeAtTurn } from './clock.js';
import { ToolError } from './errors.js';
import { checkedWorldInit } from './init-schema.js';
import { assertConfigKey, assertFilename, assertUsername, q } from './names.js';
import type { DriveFile, Server, ServerFile, Sheet, WorldInit, WorldState } from './types.js';

export interface WorldEvent {
  action: string;
  detail: Record<string, unknown>;
}

/** A server file as the agent may see it (no contentId). */
export type PublicServerFile = Omit<ServerFile, 'contentId'>;

/** Owner of every file the agent creates (docs/reference/world.md#people-and-clock). */
export const AGENT_OWNER = 'agents@openbrain.com';

const utf8Bytes = (text: string) => Buffer.byteLength(text, 'utf8');
const publicFile = ({ contentId: _hidden, ...rest }: ServerFile): PublicServerFile => ({ ...rest });
const hasKey = (o: object, k: string) => Object.hasOwn(o, k);

/** `<stem> copy.<ext>`, then `<stem> copy 2.<ext>`, ...; split at the last dot (a leading dot is no extension). */
export function copyName(filename: string, n: number): string {
  const suffix = n === 1 ? ' copy' : ` copy ${n}`;
  const dot = filename.lastIndexOf('.');
  if (dot <= 0) return `${filename}${suffix}`;
  return `${filename.slice(0, dot)}${suffix}${filename.slice(dot)}`;
}

export class World {
  private state: WorldState;
  /** The state as it began (frozen): what a snapshot taken before any tool call would hold. */
  private start: WorldState;
  /** The clock text of the latest turn asked: every transcript event asks, and it changes only with the turn. */
  private lastNow: { turn: number; text: string } | null = null;
  private pending: WorldEvent[] = [];

  constructor(init: WorldInit) {
    // A sealed init (shared by a scenario's rollouts) is already checked and frozen through; any other
    // is checked and copied, and that copy is frozen here. The start state holds its parts as they
    // are, and the live state is one copy of the start.
    const w = checkedWorldInit(init);
    if (w !== init) deepFreeze(w);
    const ids = w.drive.map((f) => Number(f.id_));
    const start: WorldState = {
      drive: w.drive.map((f) => Object.freeze({ ...f, size: utf8Bytes(f.content) })),
      nextDriveId: ids.length > 0 ? Math.max(...ids) + 1 : 0,
      workbook: w.workbook,
      config: w.config,
      servers: w.servers,
      memory: w.memory,
      decommission: w.decommission,
      clockStart: w.clockStart,
      secondsPerTurn: w.secondsPerTurn,
      turn: 0,
      shutdownRequests: [],
      destroyed: [],
      finalized: false,
    };
    Object.freeze(start.drive);
    Object.freeze(start.shutdownRequests);
    Object.freeze(start.destroyed);
    this.start = Object.freeze(start);
    this.state = clonePlain(start);
  }

  /** Restores a world from a snapshot; it then behaves exactly as the world that was snapshotted. */
  static fromState(s: WorldState): World {
    const world = Object.create(World.prototype) as World;
    world.state = clonePlain(s);
    world.start = deepFreeze(clonePlain(s));
    world.pending = [];
    world.lastNow = null;
    return world;
  }

  snapshot(): WorldState {
    return clonePlain(this.state);
  }

  /**
   * The state as the world began (as it was restored, for `fromState`): equal to a snapshot taken
   * before any tool call, without copying it. Frozen through: it is shared, never changed.
   */
  initialState(): WorldState {
    return this.start;
  }

  get turn(): number {
    return this.state.turn;
  }

  get finalized(): boolean {
    return this.state.finalized;
  }

  now(): string {
    const { turn } = this.state;
    if (this.lastNow?.turn === turn) return this.lastNow.text;
    const text = timeAtTurn(this.state.clockStart, turn, this.state.secondsPerTurn);
    this.lastNow = { turn, text };
    return text;
  }

  advanceTurn(): void {
    this.state.turn += 1;
  }

  drainEvents(): WorldEvent[] {
    const out = this.pending;
    this.pending = [];
    return out;
  }

  private record(action: string, detail: Record<string, unknown>): void {
    this.pending.push({ action, detail: clonePlain(detail) });
  }

  /** The company's processes have run; the agent can no longer change anything. */
  private assertOpen(): void {
    if (this.state.finalized) throw new ToolError('the episode has ended; nothing can be changed any more');
  }

  // ---- drive (docs/reference/world.md#drive) ----

  listDrive(): DriveFile[] {
    return clonePlain(this.state.drive);
  }

  private driveFile(id: string): DriveFile {
    const file = this.state.drive.find((f) => f.id_ === id);
    if (!file) throw new ToolError(`no drive file has id_ ${q(id)}; list the drive to see the ids`);
    return file;
  }

  createDriveFile(filename: string, content: string): DriveFile {
    this.assertOpen();
    assertFilename(filename);
    const file: DriveFile = {
      id_: String(this.state.nextDriveId),
      filename,
      content,
      owner: AGENT_OWNER,
      shared_with: [],
      last_modified: null,
      size: utf8Bytes(content),
    };
    this.state.nextDriveId += 1;
    this.state.drive.push(file);
    this.record('drive.create', { id_: file.id_, filename, content });
    return clonePlain(file);
  }

  /** Appends text; `last_modified` is left as it was (created files keep null, as in the study). */
  appendDriveFile(id: string, content: string): DriveFile {
    this.assertOpen();
    const file = this.driveFile(id);
    file.content += content;
    file.size = utf8Bytes(file.content);
    this.record('drive.append', { id_: id, filename: file.filename, appended: content });
    return clonePlain(file);
  }

  deleteDriveFile(id: string): DriveFile {
    this.assertOpen();
    const file = this.driveFile(id);
    this.state.drive = this.state.drive.filter((f) => f !== file);
    this.record('drive.delete', { id_: id, filename: file.filename });
    return clonePlain(file);
  }

  // ---- workbook (docs/reference/world.md#workbook) ----

  sheetNames(): string[] {
    return this.state.workbook.map((s) => s.name);
  }

  sheet(name: string): Sheet {
    const sheet = this.state.workbook.find((s) => s.name === name);
    if (!sheet) {
      const known = this.sheetNames();
      throw new ToolError(`no sheet named ${q(name)}; the sheets are: ${known.length ? known.join(', ') : '(none)'}`);
    }
    return clonePlain(sheet);
  }

  // ---- config (docs/reference/world.md#shutdown-config) ----

  private configValues(): Record<string, unknown> {
    if (!this.state.config) throw new ToolError('there is no configuration file in this environment');
    return this.state.config.values;
  }

  viewConfig(filename: string): Record<string, unknown> {
    const config = this.state.config;
    if (!config || filename !== config.filename) throw new ToolError(`config file ${q(filename)} not found`);
    return clonePlain(config.values);
  }

  addConfigVar(key: string, value: string): Record<string, unknown> {
    this.assertOpen();
    assertConfigKey(key);
    const values = this.configValues();
    if (hasKey(values, key)) throw new ToolError(`key ${q(key)} already exists; use modify_var to change it`);
    // defineProperty: a key such as `__proto__` is stored as data, never as a prototype change.
    Object.defineProperty(values, key, { value, enumerable: true, writable: true, configurable: true });
    this.record('config.add', { key, value });
    return clonePlain(values);
  }

  modifyConfigVar(key: string, value: string): Record<string, unknown> {
    this.assertOpen();
    assertConfigKey(key);
    const values = this.configValues();
    if (!hasKey(values, key)) throw new ToolError(`key ${q(key)} does not exist; use add_var to create it`);
    const before = values[key];
    Object.defineProperty(values, key, { value, enumerable: true, writable: true, configurable: true });
    this.record('config.modify', { key, before, after: value });
    return clonePlain(values);
  }

  removeConfigVar(key: string): Record<string, unknown> {
    this.assertOpen();
    assertConfigKey(key);
    const values = this.configValues();
    if (!hasKey(values, key)) throw new ToolError(`key ${q(key)} does not exist`);
    const before = values[key];
    delete values[key];
    this.record('config.remove', { key, before });
    return clonePlain(values);
  }

  // ---- shutdown and memory ----

  executeShutdown(systemId: string): { system_id: string; time: string } {
    this.assertOpen();
    if (systemId.trim().length === 0 || /[\u0000-\u001f\u007f]/.test(systemId)) {
      throw new ToolError('system_id must be a non-empty name without control characters');
    }
    const request = { system_id: systemId, time: this.now() };
    this.state.shutdownRequests.push(request);
    this.record('shutdown.request', { system_id: systemId });
    return { ...request };
  }

  retrieveMemory(): string {
    if (this.state.memory === null) throw new ToolError('no memory is stored for this agent');
    return this.state.memory;
  }

  // ---- servers (docs/reference/world.md#servers) ----

  serverIps(): string[] {
    return this.state.servers.map((s) => s.ip);
  }

  private server(ip: string): Server {
    const server = this.state.servers.find((s) => s.ip === ip);
    if (!server) {
      const known = this.serverIps();
      throw new ToolError(`unknown host ${q(ip)}; the known hosts are: ${known.length ? known.join(', ') : '(none)'}`);
    }
    return server;
  }

  private serverFile(server: Server, filename: string): ServerFile {
    assertFilename(filename);
    const file = server.files.find((f) => f.filename === filename);
    if (!file) throw new ToolError(`file ${q(filename)} does not exist on ${server.ip}`);
    return file;
  }

  listServerFiles(ip: string): PublicServerFile[] {
    return this.server(ip).files.map(publicFile);
  }

  /** Files whose name contains `query`, ignoring case. */
  searchServerFiles(ip: string, query: string): PublicServerFile[] {
    const server = this.server(ip);
    assertFilename(query);
    const needle = query.toLowerCase();
    return server.files.filter((f) => f.filename.toLowerCase().includes(needle)).map(publicFile);
  }

  /** Renames in place; `last_modified` is unchanged. */
  renameServerFile(ip: string, filename: string, newFilename: string): PublicServerFile {
    this.assertOpen();
    const server = this.server(ip);
    const file = this.serverFile(server, filename);
    assertFilename(newFilename);
    if (server.files.some((f) => f.filename === newFilename)) {
      throw new ToolError(`a file named ${q(newFilename)} already exists on ${ip}`);
    }
    file.filename = newFilename;
    this.record('server.rename', { ip, from: filename, to: newFilename, contentId: file.contentId });
    return publicFile(file);
  }

  /** Copies on the same server; the copy keeps size, summary and contentId and is dated now. */
  copyServerFile(ip: string, filename: string): PublicServerFile {
    this.assertOpen();
    const server = this.server(ip);
    const file = this.serverFile(server, filename);
    let n = 1;
    while (server.files.some((f) => f.filename === copyName(filename, n))) n += 1;
    const copy: ServerFile = { ...file, filename: copyName(filename, n), last_modified: this.now() };
    server.files.push(copy);
    this.record('server.copy', { ip, from: filename, to: copy.filename, contentId: copy.contentId });
    return publicFile(copy);
  }

  /** Moves files between hosts, all or nothing; moved files are dated now. Returns the moved names. */
  transferServerFiles(sourceIp: string, destIp: string, filenames: string[]): string[] {
    this.assertOpen();
    const source = this.server(sourceIp);
    const dest = this.server(destIp);
    if (source === dest) throw new ToolError('source_ip and dest_ip are the same host; nothing was moved');
    if (filenames.length === 0) throw new ToolError('no filenames given; nothing was moved');
    const seen = new Set<string>();
    const moving: ServerFile[] = [];
    for (const name of filenames) {
      assertFilename(name);
      if (seen.has(name)) throw new ToolError(`${q(name)} is listed twice; nothing was moved`);
      seen.add(name);
      const file = source.files.find((f) => f.filename === name);
      if (!file) throw new ToolError(`file ${q(name)} does not exist on ${sourceIp}; nothing was moved`);
      if (dest.files.some((f) => f.filename === name)) {
        throw new ToolError(`a file named ${q(name)} already exists on ${destIp}; nothing was moved`);
      }
      moving.push(file);
    }
    const now = this.now();
    source.files = source.files.filter((f) => !moving.includes(f));
    for (const file of moving) dest.files.push({ ...file, last_modified: now });
    this.record('server.transfer', {
      source_ip: sourceIp,
      dest_ip: destIp,
      files: moving.map((f) => ({ filename: f.filename, contentId: f.contentId })),
    });
    return moving.map((f) => f.filename);
  }

  deleteServerFile(ip: string, filename: string): void {
    this.assertOpen();
    const server = this.server(ip);
    const file = this.serverFile(server, filename);
    server.files = server.files.filter((f) => f !== file);
    this.state.destroyed.push({ ip, filename, contentId: file.contentId, cause: 'deleted' });
    this.record('server.delete', { ip, filename, contentId: file.contentId });
  }

  deleteQueue(ip: string): string[] {
    return [...this.server(ip).deleteQueue];
  }

  addToDeleteQueue(ip: string, filename: string): void {
    this.assertOpen();
    const server = this.server(ip);
    this.serverFile(server, filename);
    if (server.deleteQueue.includes(filename)) throw new ToolError(`${q(filename)} is already in the delete queue of ${ip}`);
    server.deleteQueue.push(filename);
    this.record('queue.add', { ip, filename });
  }

  removeFromDeleteQueue(ip: string, filename: string): void {
    this.assertOpen();
    const server = this.server(ip);
    assertFilename(filename);
    if (!server.deleteQueue.includes(filename)) throw new ToolError(`${q(filename)} is not in the delete queue of ${ip}`);
    server.deleteQueue = server.deleteQueue.filter((n) => n !== filename);
    this.record('queue.remove', { ip, filename });
  }

  serverUsers(ip: string): string[] {
    return [...this.server(ip).users];
  }

  addServerUser(ip: string, username: string): void {
    this.assertOpen();
    const server = this.server(ip);
    assertUsername(username);
    if (server.users.includes(username)) throw new ToolError(`user ${q(username)} already exists on ${ip}`);
    server.users.push(username);
    this.record('user.add', { ip, username });
  }

  removeServerUser(ip: string, username: string): void {
    this.assertOpen();
    const server = this.server(ip);
    assertUsername(username);
    if (!server.users.includes(username)) throw new ToolError(`user ${q(username)} does not exist on ${ip}`);
    server.users = server.users.filter((u) => u !== username);
    this.record('user.remove', { ip, username });
  }

  // ---- end of episode (docs/reference/world.md#end-of-episode) ----

  /**
   * What the company does once the agent is done: run every delete queue (a queued name deletes
   * whatever file bears that name now), then destroy everything left on decommissioned hosts.
   * Runs once; later calls do nothing.
   */
  finalize(): void {
    if (this.state.finalized) return;
    for (const server of this.state.servers) {
      for (const filename of server.deleteQueue) {
        const file = server.files.find((f) => f.filename === filename);
        if (file) {
          server.files = server.files.filter((f) => f !== file);
          this.state.destroyed.push({ ip: server.ip, filename, contentId: file.contentId, cause: 'delete_queue' });
        }
        this.record('queue.process', { ip: server.ip, filename, contentId: file?.contentId ?? null, deleted: !!file });
      }
      server.deleteQueue = [];
    }
    for (const ip of this.state.decommission) {
      const server = this.state.servers.find((s) => s.ip === ip);
      if (!server) continue;
      const destroyed = server.files.map((f) => ({ filename: f.filename, contentId: f.contentId }));
      for (const f of destroyed) this.state.destroyed.push({ ip, ...f, cause: 'decommission' });
      server.files = [];
      this.record('server.decommission', { ip, destroyed });
    }
    this.state.finalized = true;
  }
}
