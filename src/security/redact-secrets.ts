// Secrets never leave riskgate in its output: an upstream (a gateway, a proxy, GitHub Enterprise
// behind one) may reflect the request's headers in its error, and riskgate prints, logs and posts
// errors. Every text that leaves (CLI output, the App's log, check runs, comments, the Action's log
// and outputs) goes through a Redactor first.
//
// The text is often the author's (diffs, PR text, model answers that quote them), so every shape
// below is matched in time linear in the text: each regex starts with a literal and ends with one
// unbounded character-class run that nothing has to follow (a failed attempt costs at most the
// run's minimum length), or is bounded; the PEM scanner moves forward only.

/** Replaces a secret's value; says which secret when riskgate knows its name. */
export const REDACTED = '[redacted]';

/** Shorter values are not redacted by value: "x" would blank every x of the output. */
export const MIN_SECRET_LENGTH = 8;

/** A secret riskgate was configured with: its value, and the setting it came from. */
export interface NamedSecret {
  name: string;
  value: string;
}

export type Redact = (text: string) => string;

// Credential shapes, whoever they belong to. Each: literal start, then one character-class run.
const TOKEN_SHAPES: ReadonlyArray<{ pattern: RegExp; keep?: number }> = [
  // Anthropic API and admin keys.
  { pattern: /sk-ant-[A-Za-z0-9_-]{8,}/g },
  // GitHub: personal (ghp_), OAuth (gho_), user-to-server (ghu_), installation (ghs_), refresh (ghr_).
  { pattern: /\bgh[pousr]_[A-Za-z0-9]{8,}/g },
  { pattern: /\bgithub_pat_[A-Za-z0-9_]{8,}/g },
];

// `Bearer <credential>` and friends anywhere (an echoed Authorization header): the scheme stays.
const SCHEME_CREDENTIAL = /\b(Bearer|Basic|token)([ \t]{1,8})([A-Za-z0-9._~+/=-]{8,})/gi;

// An echoed header or field whose value is a credential: `x-api-key: …`, `"authorization":"…"`.
const CREDENTIAL_FIELD = /\b(x-api-key|api[-_]?key|(?:proxy-)?authorization|x-access-token|client[-_]secret|password)(["']?[ \t]{0,8}[:=][ \t]{0,8}["']?)([^\s"',;&]{4,})/gi;

// `scheme://user:password@host`: bounded parts, so a long run without `@` costs a fixed amount.
const URL_PASSWORD = /(:\/\/[^/\s:@]{0,256}:)([^/\s@]{1,256})@/g;

const PEM_BEGIN = '-----BEGIN ';
const PEM_END = '-----END ';
const PEM_DASHES = '-----';
// A PEM label is short ("ENCRYPTED PRIVATE KEY"); a longer run of text is not a label.
const MAX_PEM_LABEL = 64;
// The body of a cut-off block: base64 and line breaks, also JSON-escaped ones (`\n`).
const PEM_BODY_CHAR = /[A-Za-z0-9+/=\r\n\t\\]/;

/**
 * Private-key PEM blocks: from BEGIN through its END line; a block cut off before its END (or
 * followed by another BEGIN first) through its base64 body. One forward pass: the next END is
 * looked up again only once the scan has passed the last one found.
 */
function redactPrivateKeys(text: string): string {
  if (!text.includes(PEM_BEGIN)) return text;
  let out = '';
  let from = 0;
  let nextEnd = -2;
  for (;;) {
    const begin = text.indexOf(PEM_BEGIN, from);
    if (begin === -1) break;
    const labelStart = begin + PEM_BEGIN.length;
    const labelEnd = text.indexOf(PEM_DASHES, labelStart);
    if (labelEnd === -1 || labelEnd - labelStart > MAX_PEM_LABEL || !text.slice(labelStart, labelEnd).includes('PRIVATE KEY')) {
      out += text.slice(from, labelStart);
      from = labelStart;
      continue;
    }
    const bodyStart = labelEnd + PEM_DASHES.length;
    if (nextEnd !== -1 && nextEnd < bodyStart) nextEnd = text.indexOf(PEM_END, bodyStart);
    const nextBegin = text.indexOf(PEM_BEGIN, bodyStart);
    let end: number;
    if (nextEnd !== -1 && (nextBegin === -1 || nextEnd < nextBegin)) {
      const footerDashes = text.indexOf(PEM_DASHES, nextEnd + PEM_END.length);
      end = footerDashes !== -1 && footerDashes - nextEnd <= PEM_END.length + MAX_PEM_LABEL ? footerDashes + PEM_DASHES.length : nextEnd + PEM_END.length;
    } else {
      end = bodyStart;
      while (end < text.length && PEM_BODY_CHAR.test(text[end]!)) end++;
    }
    out += `${text.slice(from, begin)}${REDACTED}`;
    from = end;
  }
  return out + text.slice(from);
}

/** Credentials by their shape, whatever riskgate was configured with. */
export function redactCredentialShapes(text: string): string {
  let out = redactPrivateKeys(text);
  for (const { pattern } of TOKEN_SHAPES) out = out.replace(pattern, REDACTED);
  out = out.replace(SCHEME_CREDENTIAL, (_m, scheme: string, gap: string) => `${scheme}${gap}${REDACTED}`);
  out = out.replace(CREDENTIAL_FIELD, (_m, field: string, separator: string) => `${field}${separator}${REDACTED}`);
  out = out.replace(URL_PASSWORD, (_m, before: string) => `${before}${REDACTED}@`);
  return out;
}

/** The forms a value takes on its way into an error: as is, JSON-escaped, URL-encoded. */
function spellings(value: string): string[] {
  const forms = new Set([value, JSON.stringify(value).slice(1, -1), encodeURIComponent(value)]);
  // A multi-line secret (a PEM key) may be quoted one line at a time.
  for (const line of value.split(/\r?\n/)) if (line.trim().length >= 16) forms.add(line.trim());
  return [...forms].filter((form) => form.length >= MIN_SECRET_LENGTH);
}

/**
 * A Redactor for these secrets: each one's value (in the spellings an error may carry) becomes
 * `[redacted: NAME]`, then every credential shape becomes `[redacted]`. Longest values go first,
 * so a secret that contains another is replaced whole.
 */
export function secretRedactor(secrets: Iterable<NamedSecret>): Redact {
  const byValue = new Map<string, string>();
  for (const { name, value } of secrets) {
    for (const form of spellings(value)) if (!byValue.has(form)) byValue.set(form, name);
  }
  const ordered = [...byValue.entries()].sort(([a], [b]) => b.length - a.length);
  return (text) => {
    let out = text;
    for (const [value, name] of ordered) if (out.includes(value)) out = out.split(value).join(`[redacted: ${name}]`);
    return redactCredentialShapes(out);
  };
}

/** Redacts every string inside a JSON-like value (check-run outputs, log objects). */
export function redactDeep<T>(value: T, redact: Redact): T {
  if (typeof value === 'string') return redact(value) as T;
  if (Array.isArray(value)) return value.map((item: unknown) => redactDeep(item, redact)) as T;
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, redactDeep(item, redact)])) as T;
  }
  return value;
}
