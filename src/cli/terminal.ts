import type { Writable } from 'node:stream';

// How the CLI draws on a terminal: colour only on a TTY (NO_COLOR turns it off, FORCE_COLOR on),
// tables as wide as the terminal (100 columns when not a TTY), and author text with its control
// characters escaped so a path or a title can never drive the terminal.

export interface Terminal {
  /** Whether to colour output on stdout. */
  colour: boolean;
  /** Columns available on stdout. */
  width: number;
  /** stderr is a terminal: progress may redraw one line. */
  liveStderr: boolean;
  /** Whether to colour progress on stderr (decided as for stdout, on stderr's own TTY). */
  colourStderr?: boolean;
  /** `--quiet`: no progress on stderr. */
  quiet?: boolean;
}

export const DEFAULT_WIDTH = 100;
const MIN_WIDTH = 40;

type MaybeTty = Writable & { isTTY?: boolean; columns?: number };

/** NO_COLOR (any non-empty value) wins over a TTY; FORCE_COLOR (not "0" or "false") colours even a pipe. */
export function wantsColour(env: NodeJS.ProcessEnv, isTty: boolean): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  const force = env.FORCE_COLOR;
  if (force !== undefined) return force !== '0' && force.toLowerCase() !== 'false';
  return isTty && env.TERM !== 'dumb';
}

export function detectTerminal(stdout: Writable, stderr: Writable, env: NodeJS.ProcessEnv): Terminal {
  const out = stdout as MaybeTty;
  const err = stderr as MaybeTty;
  const columns = out.isTTY && out.columns ? out.columns : Number(env.COLUMNS) || DEFAULT_WIDTH;
  return {
    colour: wantsColour(env, out.isTTY === true),
    width: Math.max(MIN_WIDTH, columns),
    liveStderr: err.isTTY === true && env.TERM !== 'dumb',
    colourStderr: wantsColour(env, err.isTTY === true),
  };
}

export const PLAIN_TERMINAL: Terminal = { colour: false, width: DEFAULT_WIDTH, liveStderr: false };

const ANSI = { red: [31, 39], yellow: [33, 39], green: [32, 39], cyan: [36, 39], magenta: [35, 39], bold: [1, 22], dim: [2, 22] } as const;
export type Style = keyof typeof ANSI;

export function paint(term: Pick<Terminal, 'colour'>, style: Style, text: string): string {
  if (!term.colour) return text;
  const [on, off] = ANSI[style];
  return `\x1b[${on}m${text}\x1b[${off}m`;
}

const SEVERITY_STYLE: Record<string, Style> = { blocker: 'red', warning: 'yellow', note: 'cyan' };
const TIER_STYLE: Record<string, Style> = { skip: 'dim', light: 'green', standard: 'cyan', thorough: 'yellow', full: 'red' };
const VERDICT_STYLE: Record<string, Style> = { pass: 'green', fail: 'red', unreviewable: 'red', error: 'magenta' };

export const paintSeverity = (term: Pick<Terminal, 'colour'>, severity: string, text = severity) => paint(term, SEVERITY_STYLE[severity] ?? 'bold', text);
export const paintTier = (term: Pick<Terminal, 'colour'>, tier: string, text = tier) => paint(term, TIER_STYLE[tier] ?? 'bold', text);
export const paintVerdict = (term: Pick<Terminal, 'colour'>, verdict: string, text = verdict) => paint(term, VERDICT_STYLE[verdict] ?? 'bold', text);

// C0 controls but tab and newline, DEL, C1 controls; ESC among them. Newlines are escaped too by
// `escapeLine`, for text that must stay on one line (a path, a title).
// eslint-disable-next-line no-control-regex
const CONTROL = /[\x00-\x08\x0b-\x1f\x7f-\x9f]/g;
// eslint-disable-next-line no-control-regex
const CONTROL_OR_NEWLINE = /[\x00-\x1f\x7f-\x9f]/g;

const escapeChar = (c: string) => {
  const code = c.charCodeAt(0);
  if (c === '\x1b') return '\\e';
  if (c === '\n') return '\\n';
  if (c === '\r') return '\\r';
  if (c === '\t') return '\\t';
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
};

/** Author text for the terminal: control characters shown as `\e`, `\x07`..., newlines and tabs kept. */
export function escapeControl(text: string): string {
  return text.replace(CONTROL, escapeChar);
}

/** Author text that must stay on one line: every control character, newlines included, escaped. */
export function escapeLine(text: string): string {
  return text.replace(CONTROL_OR_NEWLINE, escapeChar);
}

// eslint-disable-next-line no-control-regex
const SGR = /\x1b\[[0-9;]*m/g;

/** Columns a string takes: colour codes take none. (Wide characters count one: good enough for alignment.) */
export function visibleLength(text: string): number {
  return [...text.replace(SGR, '')].length;
}

export function padVisible(text: string, width: number): string {
  return text + ' '.repeat(Math.max(0, width - visibleLength(text)));
}

/**
 * Breaks plain text into lines of at most `width` columns, at spaces where it can, inside words
 * where it must (a long path). Existing newlines are kept.
 */
export function wrapText(text: string, width: number): string[] {
  const w = Math.max(1, width);
  const out: string[] = [];
  for (const paragraph of text.split('\n')) {
    let line = '';
    for (const word of paragraph.split(' ')) {
      let rest = word;
      const sep = line === '' ? '' : ' ';
      if ([...line].length + sep.length + [...rest].length <= w) {
        line += sep + rest;
        continue;
      }
      if (line !== '') out.push(line);
      while ([...rest].length > w) {
        const chars = [...rest];
        out.push(chars.slice(0, w).join(''));
        rest = chars.slice(w).join('');
      }
      line = rest;
    }
    out.push(line);
  }
  return out;
}

export interface Column {
  /** Fixed width; the one column without it takes what the terminal leaves. */
  width?: number;
  align?: 'left' | 'right';
  /** Colours a cell after wrapping and padding (the raw text decides the colour). */
  paint?: (padded: string, raw: string) => string;
}

/**
 * Rows as a table that fits `width` columns: the flexible column wraps inside itself, so a long
 * reason or path continues under its own column rather than under the first.
 */
export function table(columns: readonly Column[], rows: ReadonlyArray<readonly string[]>, width: number, indent = 2, gap = 2): string[] {
  const fixed = columns.reduce((n, c) => n + (c.width ?? 0), 0) + gap * (columns.length - 1) + indent;
  const flexWidth = Math.max(20, width - fixed);
  const out: string[] = [];
  for (const row of rows) {
    const cells = columns.map((c, i) => wrapText(row[i] ?? '', c.width ?? flexWidth));
    const height = Math.max(...cells.map((c) => c.length));
    for (let line = 0; line < height; line++) {
      const parts = columns.map((c, i) => {
        const text = cells[i]![line] ?? '';
        const w = c.width ?? flexWidth;
        const padded = c.align === 'right' ? ' '.repeat(Math.max(0, w - visibleLength(text))) + text : padVisible(text, w);
        return c.paint && text !== '' ? c.paint(padded, row[i] ?? '') : padded;
      });
      out.push((' '.repeat(indent) + parts.join(' '.repeat(gap))).trimEnd());
    }
  }
  return out;
}

/** Plain text wrapped to the width, each line after the first indented by `hang`. */
export function hanging(text: string, width: number, indent: number, hang = indent): string[] {
  const lines = wrapText(text, Math.max(10, width - Math.max(indent, hang)));
  return lines.map((l, i) => `${' '.repeat(i === 0 ? indent : hang)}${l}`);
}

// The colour codes `paint` writes, and the live line's "return, clear line": all the CLI itself sends.
// eslint-disable-next-line no-control-regex
const OWN_OR_CONTROL = /\r\x1b\[2K|\x1b\[(?:1|2|22|31|32|33|35|36|39)m|[\x00-\x08\x0b-\x1f\x7f-\x9f]/g;

/**
 * The last guard before the terminal: every control character the CLI did not write itself is
 * shown escaped. Formatters escape author text field by field; this catches any they missed.
 */
export function terminalSafe(text: string): string {
  return text.replace(OWN_OR_CONTROL, (m) => (m.length > 1 ? m : escapeChar(m)));
}
