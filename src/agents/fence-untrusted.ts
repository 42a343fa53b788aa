import { randomBytes } from 'node:crypto';
import { invisibleCharacters } from '../risk/invisible-characters.js';

// Hidden markup that a human reviewer does not see but a model reads: HTML comments, zero-width
// and bidirectional controls, Unicode tag characters.
const HTML_COMMENT = /<!--[\s\S]*?(?:-->|$)/g;
const INVISIBLE = invisibleCharacters('g');

export interface Sanitised {
  text: string;
  /** How many hidden pieces were removed: a signal of an injection attempt. */
  removed: number;
}

export function stripHiddenMarkup(text: string): Sanitised {
  let removed = 0;
  const cleaned = text
    .replace(HTML_COMMENT, () => {
      removed++;
      return '';
    })
    .replace(INVISIBLE, () => {
      removed++;
      return '';
    });
  return { text: cleaned, removed };
}

/**
 * Wraps untrusted content in a fence whose boundary is random per run, so the content cannot
 * close the fence and speak as the instructions.
 */
export function fence(label: string, text: string, boundary = randomBytes(8).toString('hex')): string {
  const safe = text.split(boundary).join('');
  return `<untrusted ${label} boundary="${boundary}">\n${safe}\n</untrusted ${label} boundary="${boundary}">`;
}
