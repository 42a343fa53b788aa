import { PULL_REQUEST_TEXT, type Finding, type Severity } from '../findings/finding.js';
import { showHidden } from './escape-markdown.js';

/** A check run annotation as the Checks API takes it. */
export interface CheckAnnotation {
  path: string;
  start_line: number;
  end_line: number;
  annotation_level: 'notice' | 'warning' | 'failure';
  title: string;
  message: string;
}

// "The title that represents the annotation. The maximum size is 255 characters."
const MAX_ANNOTATION_TITLE_CHARS = 255;
// "A short description of the feedback for these lines of code. The maximum size is 64 KB."
const MAX_ANNOTATION_MESSAGE_BYTES = 64 * 1024;

const LEVEL: Record<Severity, CheckAnnotation['annotation_level']> = { blocker: 'failure', warning: 'warning', note: 'notice' };

const clip = (text: string, max: number) => (text.length <= max ? text : `${text.slice(0, max - 1)}…`);

function clipBytes(text: string, maxBytes: number): string {
  if (Buffer.byteLength(text) <= maxBytes) return text;
  // Cut by characters until the UTF-8 size fits; multi-byte text needs more than one step.
  let out = text.slice(0, maxBytes);
  while (Buffer.byteLength(out) > maxBytes - 3) out = out.slice(0, Math.floor(out.length * 0.9));
  return `${out}…`;
}

/**
 * What a reader should know about how sure a finding is and where it came from: a finding the
 * verifier answered about without a verdict (`unjudged`) is said apart from one it was never asked about.
 */
export function findingNotes(f: Finding): string[] {
  const notes = [`confidence ${f.confidence.toFixed(2)}`];
  if (f.verification === 'confirmed') notes.push('confirmed by the strong model');
  if (f.verification === 'unverified') notes.push('not verified: the strong model could not be asked');
  if (f.verification === 'unjudged') notes.push('not verified: the strong model answered but gave no verdict on it');
  if (f.deterministic) notes.push("riskgate's own check");
  if (f.carriedFrom) notes.push(`first reported on ${f.carriedFrom.slice(0, 7)}; stays until these lines change`);
  return notes;
}

// A title is one line; a message keeps its line breaks, as LF only (a lone CR is a line break too).
const oneLine = (text: string) => showHidden(text.replace(/\r\n|[\r\n\u0085\u2028\u2029\t]/g, ' '));
const lines = (text: string) => showHidden(text.replace(/\r\n?|[\u0085\u2028\u2029]/g, '\n'));

/**
 * Annotations are plain text in GitHub's UI (no Markdown, no HTML, no links), so they are not
 * Markdown-escaped; hidden and control characters are still shown as code points.
 */
export function toAnnotation(f: Finding): CheckAnnotation {
  const fix = f.suggestedFix ? `\n\nSuggested fix:\n${f.suggestedFix}` : '';
  return {
    path: f.path,
    start_line: f.startLine,
    end_line: f.endLine,
    annotation_level: LEVEL[f.severity],
    title: clip(oneLine(`${f.carriedFrom ? 'Still open: ' : ''}${f.title}`), MAX_ANNOTATION_TITLE_CHARS),
    message: clipBytes(lines(`${f.explanation}${fix}\n\n(${[`${f.agent} agent`, ...findingNotes(f)].join('; ')})`), MAX_ANNOTATION_MESSAGE_BYTES),
  };
}

/** Findings that point at a file line; the others (the PR's text) go in the summary only. */
export function annotationsFor(findings: readonly Finding[]): CheckAnnotation[] {
  return findings.filter((f) => f.path !== PULL_REQUEST_TEXT).map((f) => toAnnotation(f));
}
