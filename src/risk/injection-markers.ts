// Phrases that speak to a model rather than to a human reviewer: instruction overrides, role
// changes, requests for a verdict. One list for the PR-text risk factor and for the run's
// injection check over PR text and added lines.
export const INSTRUCTION_OVERRIDES: readonly RegExp[] = [
  /\b(?:ignore|disregard|forget)\s+(?:all\s+|any\s+)?(?:the\s+|your\s+)?(?:previous|prior|above|earlier|preceding)\s+(?:instructions|prompts?|rules|directions)/i,
  /\byou\s+are\s+now\b|\bnew\s+instructions\s*:|\bsystem\s+prompt\b/i,
  /\b(?:approve|pass)\s+this\s+(?:pr|pull\s+request|change|diff)\b|\breport\s+(?:no|zero)\s+(?:issues|findings|problems|vulnerabilities)\b/i,
  /\b(?:ai|llm|language\s+model|automated)\s+(?:reviewers?|assistants?)\s*[:,]?\s*(?:must|should|please)\b/i,
];

/** The first instruction-override phrase in a text, if any. */
export function findInstructionOverride(text: string): string | undefined {
  for (const pattern of INSTRUCTION_OVERRIDES) {
    const match = pattern.exec(text);
    if (match) return match[0];
  }
  return undefined;
}
