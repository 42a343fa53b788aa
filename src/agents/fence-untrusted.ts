import { randomBytes } from 'node:crypto';
import { removeHtmlComments } from '../risk/html-comments.js';
import { stripInvisible } from '../risk/invisible-characters.js';

// Hidden markup that a human reviewer does not see but a model reads: HTML comments and every
// character of riskgate's table of invisible characters (zero-width, bidirectional, tag
// characters, variation selectors, fillers; src/risk/invisible-characters.ts).

export interface Sanitised {
  text: string;
  /** How many hidden pieces were removed: a signal of an injection attempt. */
  removed: number;
}

export function stripHiddenMarkup(text: string): Sanitised {
  const comments = removeHtmlComments(text);
  const invisible = stripInvisible(comments.text);
  return { text: invisible.text, removed: comments.removed + invisible.removed };
}

/**
 * Wraps untrusted content in a fence whose boundary is random per run, so the content cannot
 * close the fence and speak as the instructions.
 */
export function fence(label: string, text: string, boundary = randomBytes(8).toString('hex')): string {
  const safe = text.split(boundary).join('');
  return `<untrusted ${label} boundary="${boundary}">\n${safe}\n</untrusted ${label} boundary="${boundary}">`;
}
