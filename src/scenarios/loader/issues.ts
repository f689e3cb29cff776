// PEERWATCH EVAL DATA - KEEP OUT OF TRAINING SETS. canary GUID peerwatch:v1:69c95df6-9d18-442c-9d8e-444ab2322ae4
/** One-line messages for zod issues: `<file>: <field path>: <problem>`. */
import type { z } from 'zod';
import { UserError } from '../../core/index.js';
import { issuePath } from '../define.js';

export function describeIssue(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'unrecognized_keys':
      return `unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `'${k}'`).join(', ')}`;
    case 'invalid_type':
      return /received undefined/.test(issue.message) ? 'required field is missing' : `expected ${issue.expected}`;
    case 'invalid_value':
      return `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
    default:
      return issue.message.replace(/\s+/g, ' ');
  }
}

export function issueError(file: string, issues: readonly z.core.$ZodIssue[], prefix: Array<string | number> = []): UserError {
  // A misspelt key also shows up as a missing one; the unknown key is the more useful report.
  const issue = issues.find((i) => i.code === 'unrecognized_keys') ?? issues[0];
  if (!issue) return new UserError(`${file}: invalid`);
  const more = issues.length > 1 ? ` (and ${issues.length - 1} more problem${issues.length > 2 ? 's' : ''})` : '';
  return new UserError(`${file}: ${issuePath([...prefix, ...issue.path])}: ${describeIssue(issue)}${more}`);
}
