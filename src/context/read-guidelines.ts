import type { RiskgateConfig } from '../config/config-schema.js';
import { stripHiddenMarkup } from '../agents/fence-untrusted.js';
import { CHARS_PER_TOKEN, tokensForChars } from '../plan/estimate-cost.js';
import type { ContextBlock } from '../run/pack-context.js';

/** Where a repository keeps its instructions for reviewers and coding agents, the first found wins. */
export const GUIDELINE_FILES = ['AGENTS.md', 'CLAUDE.md', 'REVIEW.md', '.github/copilot-instructions.md'] as const;

/** About 2,000 tokens: enough for a page of rules, too little to crowd out the diff. */
export const MAX_GUIDELINE_TOKENS = 2_000;
const MAX_GUIDELINE_CHARS = Math.floor(MAX_GUIDELINE_TOKENS * CHARS_PER_TOKEN);

/** Packed before the other context: it is short, and it says what matters in this repository. */
export const GUIDELINES_PRIORITY = 100;

/** Reads a file at the base revision: git in the CLI, the contents API in the App and the Action. */
export type ReadAtBase = (path: string) => Promise<string | undefined>;

/** The guidelines text as models see it: hidden characters stripped, cut at the cap with a notice. */
export function guidelinesBlock(text: string, source: string): ContextBlock | undefined {
  const visible = stripHiddenMarkup(text).text.trim();
  if (visible === '') return undefined;
  const cut = visible.length > MAX_GUIDELINE_CHARS ? `${visible.slice(0, MAX_GUIDELINE_CHARS)}\n[…cut at about ${MAX_GUIDELINE_TOKENS} tokens]` : visible;
  const body = `From ${source}:\n${cut}`;
  return { kind: 'guidelines', label: source, text: body, tokens: tokensForChars(body.length), priority: GUIDELINES_PRIORITY };
}

/**
 * The repository's review guidelines, always from the base revision (a pull request cannot rewrite
 * its own rules): `review.instructions` in the config, else the first of GUIDELINE_FILES there.
 * None when `review.guidelines` is off or the base has none.
 */
export async function readGuidelines(config: RiskgateConfig, readAtBase: ReadAtBase, baseLabel: string): Promise<ContextBlock | undefined> {
  if (!config.review.guidelines) return undefined;
  if (config.review.instructions !== undefined) return guidelinesBlock(config.review.instructions, 'review.instructions in the config');
  for (const path of GUIDELINE_FILES) {
    const text = await readAtBase(path);
    if (text !== undefined && text.trim() !== '') return guidelinesBlock(text, `${path} at ${baseLabel}`);
  }
  return undefined;
}
