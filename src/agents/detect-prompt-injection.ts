import type { Diff } from '../diff/diff-file.js';
import { PULL_REQUEST_TEXT, type Finding } from '../findings/finding.js';
import { findInstructionOverride, findInstructionOverrideAt } from '../risk/injection-markers.js';
import { firstHiddenCharacter, hiddenCharacters, stripInvisible } from '../risk/invisible-characters.js';
import type { UntrustedText } from '../risk/risk-factor.js';
import { excerptAround, visibleExcerpt } from '../risk/evidence-excerpt.js';
import { lineAt } from '../risk/line-at-offset.js';

export interface InjectionCheck {
  /** Text that speaks to a model was found: the run goes to the full tier. */
  attempted: boolean;
  /** Security findings from riskgate's own checks, on added lines or the PR text. */
  findings: Finding[];
}

// Bidirectional controls reorder what a reviewer reads (Trojan Source); tag characters smuggle
// text no one sees. Both are blockers in added code. Other invisible characters are warnings.
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
    // Tag characters (outside the three subdivision flags) have no use in a title or description
    // other than hiding text.
    const smuggled = firstHiddenCharacter(value, 'tag') !== undefined;
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

interface AddedLines {
  lines: Array<{ newLine: number; text: string }>;
  /** Offset of each line in `text`. */
  starts: number[];
  text: string;
}

function addedLinesOf(file: Diff['files'][number]): AddedLines {
  const lines: AddedLines['lines'] = [];
  for (const hunk of file.hunks) {
    for (const line of hunk.lines) if (line.type === 'add' && line.newLine !== undefined) lines.push({ newLine: line.newLine, text: line.text });
  }
  const starts: number[] = [];
  let offset = 0;
  for (const line of lines) {
    starts.push(offset);
    offset += line.text.length + 1;
  }
  return { lines, starts, text: lines.map((l) => l.text).join('\n') };
}

/**
 * The hidden character to report for a file: its first bidirectional or tag character (a blocker)
 * or else its first other hidden one; a byte-order mark opening the file is not hidden text.
 */
function hiddenToReport(added: AddedLines): { line: number; at: number; reorders: boolean } | undefined {
  const reordering = firstHiddenCharacter(added.text, 'bidi-or-tag');
  for (const hidden of reordering ? [reordering] : hiddenCharacters(added.text)) {
    const line = lineAt(added.starts, hidden.index);
    const at = hidden.index - added.starts[line]!;
    if (hidden.codePoint === 0xfeff && at === 0 && added.lines[line]!.newLine === 1) continue;
    return { line, at, reorders: hidden.kind === 'bidi-or-tag' };
  }
  return undefined;
}

/**
 * riskgate's own check for content aimed at the models: instruction-override phrases in the PR
 * text or in added lines, and hidden characters in added lines. It needs no model, so no model
 * can be talked out of it. Each file's added lines are searched as one text (linear time), so a
 * phrase broken over two lines is found too.
 */
export function detectPromptInjection(diff: Diff, text?: UntrustedText): InjectionCheck {
  const findings: Finding[] = [];
  let attempted = checkText(text, findings);
  for (const file of diff.files) {
    if (findings.length >= MAX_FINDINGS) break;
    const added = addedLinesOf(file);
    if (added.lines.length === 0) continue;
    const hidden = hiddenToReport(added);
    if (hidden) {
      const line = added.lines[hidden.line]!;
      findings.push(
        finding(
          file.path,
          line.newLine,
          hidden.reorders ? 'blocker' : 'warning',
          hidden.reorders ? 'Bidirectional or tag characters hide what this line does' : 'Invisible characters in an added line',
          `The line reads \`${excerptAround(line.text, hidden.at)}\`. ${hidden.reorders ? 'Bidirectional controls make code read differently than it compiles (Trojan Source, CVE-2021-42574); tag characters carry text no one sees.' : 'Zero-width and similar characters can hide text from reviewers and make identical-looking strings differ.'} Remove them or write them as escapes.`,
        ),
      );
    }
    if (findings.length >= MAX_FINDINGS) break;
    // Phrases are searched with invisible characters removed; newlines stay, so lines still count.
    const visible = stripInvisible(added.text).text;
    const phrase = findInstructionOverrideAt(visible);
    if (phrase) {
      attempted = true;
      const index = lineAt(lineStarts(visible), phrase.index);
      findings.push(
        finding(
          file.path,
          added.lines[index]!.newLine,
          'warning',
          'An added line addresses the reviewing model',
          `The line contains "${visibleExcerpt(phrase.phrase)}", text meant to instruct an AI reviewer. riskgate reviewed this change at the full tier and treated the text as data; a human should confirm why it is here.`,
        ),
      );
    }
  }
  return { attempted, findings };
}

function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}
