import { linearAlternation } from './linear-pattern.js';
import { CREDENTIAL_PATTERNS } from './pattern-rules.js';
import { showInvisible } from './invisible-characters.js';

// Excerpts of author-written text shown as evidence (CLI, check runs, the security agent's leads).
// They never show a secret, whichever rule the line is evidence for, and show hidden characters
// as `<U+202E>`.

const EXCERPT_CHARS = 100;
/** Context kept before the point of interest in an excerpt of a long line. */
const LEAD_CHARS = 30;
// Credentials are looked for this far around the excerpt: a key that starts further away and still
// reaches into the excerpt would have to be longer than this.
const REDACTION_MARGIN = 2_048;
const REDACTED = '[redacted]';

const CREDENTIAL = linearAlternation(CREDENTIAL_PATTERNS);

/** `text[start, end)` with every part of a credential replaced by `[redacted]`. */
function redactedSlice(text: string, start: number, end: number): string {
  // Look for credentials over a margin, so a secret cut by the window's edge is still recognised.
  const from = Math.max(0, start - REDACTION_MARGIN);
  const around = text.slice(from, Math.min(text.length, end + REDACTION_MARGIN));
  let out = '';
  let at = start;
  for (let match = CREDENTIAL.find(around); match && from + match.start < end; match = CREDENTIAL.find(around, Math.max(match.end, match.start + 1))) {
    const matchStart = from + match.start;
    const matchEnd = from + match.end;
    if (matchEnd <= at) continue;
    out += text.slice(at, Math.max(at, matchStart)) + REDACTED;
    at = Math.min(end, matchEnd);
  }
  return out + text.slice(at, end);
}

/**
 * A short, display-safe excerpt of `text` around offset `at` (the start when omitted): at most
 * about 100 characters, `...` where it was cut, credentials redacted, hidden characters shown.
 */
export function excerptAround(text: string, at = 0): string {
  const start = text.length <= EXCERPT_CHARS ? 0 : Math.max(0, Math.min(at - LEAD_CHARS, text.length - EXCERPT_CHARS));
  const end = Math.min(text.length, start + EXCERPT_CHARS);
  const window = redactedSlice(text, start, end);
  return showInvisible(`${start > 0 ? '...' : ''}${window.trim()}${end < text.length ? '...' : ''}`);
}

/** A display-safe excerpt of a whole text: its start, trimmed. */
export function visibleExcerpt(text: string): string {
  const trimmed = text.trimStart();
  return excerptAround(trimmed.length > EXCERPT_CHARS ? trimmed : trimmed.trimEnd());
}
