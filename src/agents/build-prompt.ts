import type { UntrustedText } from '../risk/risk-factor.js';
import type { NotReviewed, PackedFile } from '../run/pack-files.js';
import type { Tier } from '../plan/tier.js';
import { stripHiddenMarkup } from './fence-untrusted.js';
import { SHARED_INSTRUCTIONS } from './shared-instructions.js';

export interface PromptContext {
  text?: UntrustedText;
  files: readonly PackedFile[];
  notReviewed: readonly NotReviewed[];
  score: number;
  tier: Tier;
  fence(label: string, text: string): string;
}

/**
 * The cached prefix of every agent call of a run: the shared instructions, then the pull request
 * (title, description, files not shown, the diff), untrusted parts fenced. Byte-identical for all
 * agents of the run, so that the first call writes the cache and the others read it.
 */
export function buildCachedPrefix(context: PromptContext): [string, string] {
  const parts = [`The pull request under review. riskgate's deterministic risk score: ${context.score}/100, tier ${context.tier}.`];
  const title = stripHiddenMarkup(context.text?.title ?? '').text.trim();
  const body = stripHiddenMarkup(context.text?.body ?? '').text.trim();
  parts.push(title ? context.fence('title', title) : 'No title was given.');
  parts.push(body ? context.fence('description', body) : 'No description was given.');
  if (context.notReviewed.length > 0) {
    const listed = context.notReviewed.map((f) => `- ${f.path}: ${f.reason}`).join('\n');
    parts.push(`Changed files not shown (${context.notReviewed.length}):\n${context.fence('file list', listed)}`);
  }
  parts.push(
    context.files.length > 0
      ? `The diff (${context.files.length} file(s)):\n${context.fence('diff', context.files.map((f) => f.text).join('\n\n'))}`
      : 'No file of this change could be shown.',
  );
  return [SHARED_INSTRUCTIONS, parts.join('\n\n')];
}
