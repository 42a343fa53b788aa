import type { AgentName } from '../plan/tier.js';
import type { Agent } from './agent.js';
import { reviewAgent } from './review-agent.js';
import { securityAgent } from './security-agent.js';
import { testsAgent } from './tests-agent.js';

/** Every agent a plan can name. */
export const AGENT_REGISTRY: Record<AgentName, Agent> = {
  review: reviewAgent,
  security: securityAgent,
  tests: testsAgent,
};
