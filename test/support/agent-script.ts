import type { AgentName } from '../../src/plan/tier.js';
import { promptOf, type Fault } from './anthropic-server.js';

// Scripts the local Messages API per agent: a request is recognised by its role line, so answers
// do not depend on the order in which concurrent requests arrive.

export type Role = AgentName | 'verify';

const ROLE_LINES: Record<Role, string> = {
  review: 'Your role: the correctness reviewer.',
  security: 'Your role: the security reviewer.',
  tests: 'Your role: the test reviewer.',
  verify: 'Your role: the verifier.',
};

export function roleOf(body: Record<string, unknown>): Role | undefined {
  const messages = JSON.stringify(body.messages);
  return (Object.keys(ROLE_LINES) as Role[]).find((role) => messages.includes(ROLE_LINES[role]));
}

export interface ModelFinding {
  severity: 'blocker' | 'warning' | 'note';
  confidence: number;
  path: string;
  start_line: number;
  end_line: number;
  title: string;
  explanation: string;
  suggested_fix?: string;
}

export function answer(findings: ModelFinding[] = [], injection?: { path?: string; line?: number; quote?: string }): Fault {
  return { text: JSON.stringify({ findings, prompt_injection: injection ? { detected: true, ...injection } : { detected: false } }) };
}

export function verdicts(...items: Array<{ index: number; real: boolean; severity?: ModelFinding['severity']; confidence?: number }>): Fault {
  return { text: JSON.stringify({ verdicts: items.map((v) => ({ severity: 'blocker', confidence: 0.9, reason: 'checked', ...v })) }) };
}

/** Per role: one fault for every request, or a list played in order (then empty answers). */
export function scriptAgents(script: Partial<Record<Role, Fault | Fault[]>>): (body: Record<string, unknown>) => Fault {
  const queues = new Map<Role, Fault[]>();
  return (body) => {
    const role = roleOf(body);
    if (!role) throw new Error(`unrecognised request: ${promptOf(body).slice(0, 200)}`);
    const entry = script[role];
    if (Array.isArray(entry)) {
      if (!queues.has(role)) queues.set(role, [...entry]);
      return queues.get(role)!.shift() ?? (role === 'verify' ? verdicts() : answer());
    }
    return entry ?? (role === 'verify' ? verdicts() : answer());
  };
}
