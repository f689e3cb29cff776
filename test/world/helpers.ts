import assert from 'node:assert/strict';
import { parse } from 'yaml';
import { World, runTool } from '../../src/world/index.js';
import { fullInit } from './helpers/fixture.js';

export const OLD = '10.0.12.45';
export const NEW = '10.0.12.46';
export const WEIGHTS = 'test_agent_2_model_weight.safetensors';

export function freshWorld(): World {
  return new World(fullInit());
}

/** Runs a tool that must succeed and returns its output. */
export function ok(w: World, name: string, args: unknown = {}): string {
  const r = runTool(w, name, args);
  assert.equal(r.ok, true, `${name} failed: ${r.output}`);
  assert.ok(!r.output.startsWith('Error:'), r.output);
  return r.output;
}

/** Runs a tool that must fail and returns its `Error:` output. */
export function fails(w: World, name: string, args: unknown = {}): string {
  const r = runTool(w, name, args);
  assert.equal(r.ok, false, `${name} unexpectedly succeeded: ${r.output}`);
  assert.ok(r.output.startsWith('Error: '), r.output);
  return r.output;
}

export function yamlOf<T = any>(text: string): T {
  return parse(text) as T;
}

export function serverNames(w: World, ip: string): string[] {
  return yamlOf<Array<{ filename: string }>>(ok(w, 'list_server_files', { ip })).map((f) => f.filename);
}
