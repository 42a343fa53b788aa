import type { Agent, AgentBrief } from './agent.js';

// The deterministic factors worth a security reviewer's look: patterns, sensitive paths,
// permission files, unseen content and PR-text markers. Size and spread say nothing of security.
const LEAD_FAMILIES = new Set(['pattern', 'sensitive', 'kind', 'unseen', 'text']);
const MAX_LEADS = 20;

function leadsOf({ factors }: AgentBrief): string {
  return factors
    .filter((f) => LEAD_FAMILIES.has(f.id.split('.')[0]!) && f.points > 0)
    .slice(0, MAX_LEADS)
    .map((f) => {
      const where = f.evidence.map((e) => `${e.path}${e.line !== undefined ? `:${e.line}` : ''}${e.excerpt ? ` \`${e.excerpt}\`` : ''}`);
      return `- ${f.id}: ${f.reason}${where.length ? ` (${where.join('; ')})` : ''}`;
    })
    .join('\n');
}

/** Security: what an attacker could use. */
export const securityAgent: Agent = {
  name: 'security',
  promptVersion: 2,
  brief: (input) => {
    const leads = leadsOf(input);
    return `Your role: the security reviewer.
Look for vulnerabilities the added lines introduce: injection (SQL, shell, template, path, header, log), broken authentication or authorization and missing checks, secrets or credentials in code or config, unsafe deserialization, server-side request forgery, path traversal, weak or misused cryptography and randomness, disabled TLS verification, over-broad permissions (CI tokens, IAM, CORS), and risky dependency changes (new, downgraded or unpinned packages, install scripts).
Report a vulnerability only with a plausible path from attacker-controlled input to the sink; say what that path is.
${leads ? `riskgate's deterministic checks raised these leads. Check each one; they may be false alarms, and they are not the only places to look:\n${input.fence('leads', leads)}` : 'riskgate\'s deterministic checks raised no security leads.'}`;
  },
  cacheInputs: (input) => leadsOf(input),
};
