import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type PotterTranscript, parseTranscriptText } from '../../../src/experiment/index.js';

export const FIXTURES = join(import.meta.dirname, '..', 'fixtures');

/** A fixture's transcripts, validated (fails the test if a fixture is malformed). */
export function fixture(name: string): PotterTranscript[] {
  const file = join(FIXTURES, name);
  return parseTranscriptText(readFileSync(file, 'utf8'), file).map((p) => {
    if (!p.ok) throw new Error(p.reason);
    return p.transcript;
  });
}

export function clone<T>(v: T): T {
  return JSON.parse(JSON.stringify(v)) as T;
}
