/**
 * Context the models are shown beside the diff. Targeted and bounded: each kind is an arm of
 * `riskgate eval findings`, since untargeted context makes models worse (NOTES.md section 8).
 */
export type ContextKind = 'function' | 'callers' | 'guidelines' | 'open-blockers';

export interface ContextBlock {
  kind: ContextKind;
  /** What the block is, for the prompt's list of what was left out ("callers of parseToken"). */
  label: string;
  /** The block as the models see it (fenced by the prompt builder: it is repository or author text). */
  text: string;
  tokens: number;
  /** Higher first when the budget cannot hold every block. */
  priority: number;
  /** The changed file the block belongs to, when it belongs to one. */
  path?: string;
}

export interface LeftOutContext {
  kind: ContextKind;
  label: string;
  reason: 'over-budget' | 'unavailable';
}

export interface PackedContext {
  blocks: ContextBlock[];
  leftOut: LeftOutContext[];
  tokens: number;
}

/**
 * Chooses the context blocks that fit in what the diff left of a tier's token budget: context is
 * dropped before any file of the diff is, and every block left out is listed in the prompt.
 * Highest priority first; a block too big for what is left is skipped and smaller ones still go in.
 */
export function packContext(blocks: readonly ContextBlock[], budgetTokens: number): PackedContext {
  const ordered = [...blocks].sort((a, b) => b.priority - a.priority || (a.label < b.label ? -1 : a.label > b.label ? 1 : 0));
  const packed: ContextBlock[] = [];
  const leftOut: LeftOutContext[] = [];
  let tokens = 0;
  for (const block of ordered) {
    if (tokens + block.tokens > budgetTokens) {
      leftOut.push({ kind: block.kind, label: block.label, reason: 'over-budget' });
      continue;
    }
    packed.push(block);
    tokens += block.tokens;
  }
  return { blocks: packed, leftOut, tokens };
}
