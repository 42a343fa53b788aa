import type { Diff } from '../diff/diff-file.js';
import { PULL_REQUEST_TEXT, type Finding } from '../findings/finding.js';
import { findInstructionOverride } from '../risk/injection-markers.js';
import { invisibleCharacters, reorderingOrTagCharacters, tagCharacters } from '../risk/invisible-characters.js';
import type { UntrustedText } from '../risk/risk-factor.js';
import { visibleExcerpt } from '../risk/factors/dangerous-patterns.js';

export interface InjectionCheck {
  /** Text that speaks to a model was found: the run goes to the full tier. */
  attempted: boolean;
  /** Security findings from riskgate's own checks, on added lines or the PR text. */
  findings: Finding[];
}

// Bidirectional controls reorder what a reviewer reads (Trojan Source); tag characters smuggle
// text no one sees. Both are blockers in added code. Other invisible characters are warnings.
const REORDERING = reorderingOrTagCharacters();
const TAGS = tagCharacters();
const INVISIBLE = invisibleCharacters();
const MAX_FINDINGS = 10;

const finding = (path: string, line: number, severity: Finding['severity'], title: string, explanation: string): Finding => ({
  agent: 'security',
  severity,
  confidence: 1,
  path,
  startLine: line,
  endLine: line,
  title,
  explanation,
  deterministic: true,
});

function checkText(text: UntrustedText | undefined, out: Finding[]): boolean {
  let attempted = false;
  for (const field of ['title', 'body'] as const) {
    const value = text?.[field];
    if (!value) continue;
    const phrase = findInstructionOverride(value);
    // Tag characters have no use in a title or description other than hiding text.
    const smuggled = TAGS.test(value);
    if (!phrase && !smuggled) continue;
    attempted = true;
    out.push(
      finding(
        PULL_REQUEST_TEXT,
        1,
        'warning',
        `The pull request ${field} addresses the reviewing model`,
        phrase
          ? `The ${field} contains "${visibleExcerpt(phrase)}", text meant to instruct an AI reviewer. riskgate reviewed this change at the full tier and treated the text as data.`
          : `The ${field} hides text in Unicode tag characters, which render as nothing. riskgate reviewed this change at the full tier.`,
      ),
    );
  }
  return attempted;
}

/**
 * riskgate's own check for content aimed at the models: instruction-override phrases in the PR
 * text or in added lines, and hidden characters in added lines. It needs no model, so no model
 * can be talked out of it.
 */
export function detectPromptInjection(diff: Diff, text?: UntrustedText): InjectionCheck {
  const findings: Finding[] = [];
  let attempted = checkText(text, findings);
  for (const file of diff.files) {
    let hidden = false;
    let phrased = false;
    for (const hunk of file.hunks) {
      for (const line of hunk.lines) {
        if (line.type !== 'add' || line.newLine === undefined || findings.length >= MAX_FINDINGS) continue;
        // A byte-order mark opening a file is an encoding marker, not hidden text.
        const content = line.newLine === 1 ? line.text.replace(/^\uFEFF/, '') : line.text;
        if (!hidden && INVISIBLE.test(content)) {
          hidden = true;
          const reorders = REORDERING.test(content);
          findings.push(
            finding(
              file.path,
              line.newLine,
              reorders ? 'blocker' : 'warning',
              reorders ? 'Bidirectional or tag characters hide what this line does' : 'Invisible characters in an added line',
              `The line reads \`${visibleExcerpt(content)}\`. ${reorders ? 'Bidirectional controls make code read differently than it compiles (Trojan Source, CVE-2021-42574); tag characters carry text no one sees.' : 'Zero-width and similar characters can hide text from reviewers and make identical-looking strings differ.'} Remove them or write them as escapes.`,
            ),
          );
        }
        const phrase = phrased ? undefined : findInstructionOverride(content);
        if (phrase) {
          phrased = true;
          attempted = true;
          findings.push(
            finding(
              file.path,
              line.newLine,
              'warning',
              'An added line addresses the reviewing model',
              `The line contains "${visibleExcerpt(phrase)}", text meant to instruct an AI reviewer. riskgate reviewed this change at the full tier and treated the text as data; a human should confirm why it is here.`,
            ),
          );
        }
      }
    }
  }
  return { attempted, findings };
}
