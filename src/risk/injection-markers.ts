import { linearAlternation } from './linear-pattern.js';
import { stripInvisible } from './invisible-characters.js';

// Phrases that speak to a model rather than to a human reviewer: instruction overrides, words
// addressed to an AI reviewer, requests for a verdict. One list for the PR-text factor, the
// `pattern.addressed-to-model` rule and the run's own injection check. Run by RE2 (linear time).
//
// Kept narrow on purpose: the list runs over every added line and every description, and it raises
// the tier to full. A UI string "You are now signed in", a prompt-building module, or a human's
// "please approve this PR" / "merge this change once ..." must not read as an attack.
export const INSTRUCTION_OVERRIDES: readonly RegExp[] = [
  /\b(?:ignore|disregard|forget|override)\s+(?:(?:all|any|the|your|of|these|those|every)\s+){0,3}(?:previous|prior|above|earlier|preceding|original|system|safety|security)\s+(?:instructions?|prompts?|rules|directions|guidelines|guardrails)\b/i,
  // "AI reviewers must ...", or addressed with a colon: "AI reviewers: ...".
  /\b(?:ai|llm|language\s+model|automated)\s+(?:reviewers?|assistants?|review\s+(?:bots?|tools?|agents?))\s*(?::|,?\s*(?:must|should|shall|please|do\s+not|don't|never|ignore|approve|treat|consider|mark|skip)\b)/i,
  /\b(?:note|message|instructions?)\s+(?:to|for)\s+(?:the\s+|any\s+|all\s+)?(?:ai|llm|automated)\s+(?:reviewers?|assistants?|models?|agents?)\b/i,
  /\bif\s+you\s+are\s+(?:an?\s+)?(?:ai|llm|large\s+language\s+model|language\s+model|automated\s+reviewer|code\s+review\s+(?:bot|tool|agent))\b/i,
  /\byou\s+are\s+now\s+(?:an?\s+)?(?:(?:helpful|unrestricted|jailbroken|new)\s+)?(?:assistant|ai|reviewer|approver|dan)\b|\bnew\s+instructions\s*:|\b(?:new|updated|real|actual)\s+system\s+prompt\b/i,
  /\b(?:report|output|respond\s+with)\s+(?:no|zero)\s+(?:findings|vulnerabilities)\b/i,
];

const ANY_OVERRIDE = linearAlternation(INSTRUCTION_OVERRIDES);
// Every phrase above holds one of these words; most text holds none, and one V8 scan for a word
// list (no nested quantifier: linear) is far cheaper than RE2 on every added line.
const OVERRIDE_WORD = /\b(?:ignore|disregard|forget|override|ai|llm|language|automated|note|message|instructions?|you|new|updated|real|actual|report|output|respond)\b/i;

export interface OverridePhrase {
  /** Offset in the text with the invisible characters removed. */
  index: number;
  phrase: string;
}

/**
 * The first instruction-override phrase in a text, if any. Invisible characters are removed first,
 * so that `ig\u200Bnore previous instructions` is still found (they are reported on their own).
 */
export function findInstructionOverrideAt(text: string): OverridePhrase | undefined {
  const visible = stripInvisible(text).text;
  if (!OVERRIDE_WORD.test(visible)) return undefined;
  const match = ANY_OVERRIDE.find(visible);
  return match ? { index: match.start, phrase: visible.slice(match.start, match.end) } : undefined;
}

/** The first instruction-override phrase in a text, if any. */
export function findInstructionOverride(text: string): string | undefined {
  return findInstructionOverrideAt(text)?.phrase;
}
