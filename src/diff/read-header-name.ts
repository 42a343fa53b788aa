// File names on diff header lines, read as `git apply` reads them (apply.c: find_name,
// find_name_traditional, git_header_name). `git apply --numstat -z` is the reference: a name
// that git reads one way must not read another way here, since a path decides a file's kind.
import { unquoteCStyle } from './unquote-git-path.js';

/** How a name ends when no timestamp marks its end. */
export type NameEnd = 'tab' | 'line';

/** git's isspace: space, tab, LF, CR only (sane_ctype). */
function isGitSpace(ch: string | undefined): boolean {
  return ch === ' ' || ch === '\t' || ch === '\n' || ch === '\r';
}

function isDigit(ch: string | undefined): boolean {
  return ch !== undefined && ch >= '0' && ch <= '9';
}

/** git's squash_slash: `a//b` is `a/b`. */
function squashSlashes(name: string): string {
  return name.includes('//') ? name.replace(/\/{2,}/g, '/') : name;
}

export function isDevNull(value: string): boolean {
  return value.startsWith('/dev/null') && (value.length === 9 || isGitSpace(value[9]));
}

/** Drops `strip` leading path components of a quoted name (git's find_name_gnu). */
function findNameQuoted(value: string, strip: number): string | undefined {
  const unquoted = unquoteCStyle(value);
  if (!unquoted) return undefined;
  let name = unquoted.name;
  for (let left = strip; left > 0; left--) {
    const slash = name.indexOf('/');
    if (slash === -1) return undefined;
    name = name.slice(slash + 1);
  }
  return squashSlashes(name);
}

/**
 * git's find_name_common: skips `strip` components; the name runs to `end` when given, else to
 * the first tab or CR (`'tab'`) or CR (`'line'`). A missing name falls back to `fallback`, and so
 * does a name that only adds a suffix to it (`x.orig` after `x`).
 */
function findNameCommon(value: string, fallback: string | undefined, strip: number, end: number | undefined, nameEnd: NameEnd): string | undefined {
  let start = strip === 0 ? 0 : -1;
  let left = strip;
  const stop = end ?? value.length;
  let i = 0;
  while (i < stop) {
    const ch = value[i];
    if (end === undefined && isGitSpace(ch) && ch !== ' ' && (ch !== '\t' || nameEnd === 'tab')) break;
    i++;
    if (ch === '/' && --left === 0) start = i;
  }
  if (start === -1 || i === start) return fallback === undefined ? undefined : squashSlashes(fallback);
  const name = value.slice(start, i);
  if (fallback !== undefined && fallback.length < name.length && name.startsWith(fallback)) return squashSlashes(fallback);
  return squashSlashes(name);
}

/** A name on a `---`/`+++` line of a git diff, or on `rename from` and the like. */
export function findName(value: string, strip: number, nameEnd: NameEnd): string | undefined {
  if (value.startsWith('"')) {
    const name = findNameQuoted(value, strip);
    if (name !== undefined) return name;
  }
  return findNameCommon(value, undefined, strip, undefined, nameEnd);
}

/**
 * A name on a `---`/`+++` line of a plain diff, which may end in a timestamp after a tab or
 * spaces (`diff -u`), so a tab inside the name is part of it when a timestamp follows.
 */
export function findNameTraditional(value: string, fallback: string | undefined, strip: number): string | undefined {
  if (value.startsWith('"')) {
    const name = findNameQuoted(value, strip);
    if (name !== undefined) return name;
  }
  const timestamp = diffTimestampLength(value);
  if (timestamp === 0) return findNameCommon(value, fallback, strip, undefined, 'tab');
  return findNameCommon(value, fallback, strip, value.length - timestamp, 'line');
}

// The timestamp readers below follow apply.c's diff_timestamp_len: POSIX `2010-07-05 19:41:17`,
// GNU `2010-07-05 19:41:17.620000023 -0500`, after a tab or (whitespace-damaged) spaces.

function saneZoneLength(s: string, len: number): number {
  if (len < 6 || s[len - 6] !== ' ') return 0;
  const zone = len - 6;
  if (s[zone + 1] !== '+' && s[zone + 1] !== '-') return 0;
  for (let i = zone + 2; i < len; i++) if (!isDigit(s[i])) return 0;
  return len - zone;
}

function colonZoneLength(s: string, len: number): number {
  if (len < 7 || s[len - 3] !== ':') return 0;
  const zone = len - 7;
  if (s[zone] !== ' ' || (s[zone + 1] !== '+' && s[zone + 1] !== '-')) return 0;
  if (!isDigit(s[zone + 2]) || !isDigit(s[zone + 3]) || s[zone + 4] !== ':' || !isDigit(s[zone + 5]) || !isDigit(s[zone + 6])) return 0;
  return len - zone;
}

function dateLength(s: string, len: number): number {
  if (len < 8 || s[len - 3] !== '-') return 0;
  let date = len - 8;
  const p = date;
  if (!isDigit(s[p]) || !isDigit(s[p + 1]) || s[p + 2] !== '-' || !isDigit(s[p + 3]) || !isDigit(s[p + 4]) || s[p + 5] !== '-' || !isDigit(s[p + 6]) || !isDigit(s[p + 7])) {
    return 0;
  }
  if (date >= 2 && isDigit(s[date - 1]) && isDigit(s[date - 2])) date -= 2;
  return len - date;
}

function shortTimeLength(s: string, len: number): number {
  if (len < 9 || s[len - 3] !== ':') return 0;
  const p = len - 9;
  if (s[p] !== ' ' || !isDigit(s[p + 1]) || !isDigit(s[p + 2]) || s[p + 3] !== ':' || !isDigit(s[p + 4]) || !isDigit(s[p + 5]) || s[p + 6] !== ':' || !isDigit(s[p + 7]) || !isDigit(s[p + 8])) {
    return 0;
  }
  return len - p;
}

function fractionalTimeLength(s: string, len: number): number {
  if (len === 0 || !isDigit(s[len - 1])) return 0;
  let p = len - 1;
  while (p > 0 && isDigit(s[p])) p--;
  if (s[p] !== '.') return 0;
  const time = shortTimeLength(s, p);
  return time === 0 ? 0 : len - p + time;
}

function trailingSpacesLength(s: string, len: number): number {
  let p = len;
  while (p > 0 && s[p - 1] === ' ') p--;
  return len - p;
}

/** The length of the timestamp (with the tab or spaces before it) that ends `value`, or 0. */
export function diffTimestampLength(value: string): number {
  const len = value.length;
  let end = len;
  if (!isDigit(value[end - 1])) return 0;
  let n = saneZoneLength(value, end) || colonZoneLength(value, end);
  end -= n;
  n = shortTimeLength(value, end) || fractionalTimeLength(value, end);
  end -= n;
  n = dateLength(value, end);
  if (n === 0) return 0;
  end -= n;
  if (end === 0) return 0;
  if (value[end - 1] === '\t') return len - (end - 1);
  if (value[end - 1] !== ' ') return 0;
  end -= trailingSpacesLength(value, end);
  return len - end;
}

const EPOCH_TIME = /^([0-2][0-9]):([0-5][0-9]):00(?:\.0+)? ([-+])([0-2][0-9]):?([0-5][0-9])$/;

/**
 * GNU `diff -N` marks a missing file with the epoch as its timestamp (after the last tab):
 * git reads that side as absent (has_epoch_timestamp).
 */
export function hasEpochTimestamp(value: string): boolean {
  const tab = value.lastIndexOf('\t');
  if (tab === -1) return false;
  const stamp = value.slice(tab + 1);
  let epochHour: number;
  if (stamp.startsWith('1969-12-31 ')) epochHour = 24;
  else if (stamp.startsWith('1970-01-01 ')) epochHour = 0;
  else return false;
  const match = EPOCH_TIME.exec(stamp.slice(11));
  if (!match) return false;
  const [, hour = '', minute = '', sign, zoneHours = '', zoneMinutes = ''] = match;
  const zone = (Number(zoneHours) * 60 + Number(zoneMinutes)) * (sign === '-' ? -1 : 1);
  return Number(hour) * 60 + Number(minute) - zone === epochHour * 60;
}

/** Index just past `strip` leading components of `s`, or undefined (git's skip_tree_prefix). */
function skipTreePrefix(strip: number, s: string, from = 0): number | undefined {
  if (strip === 0) return s[from] === '/' ? undefined : from;
  let left = strip;
  for (let i = from; i < s.length; i++) {
    if (s[i] === '/' && --left <= 0) return i === from ? undefined : i + 1;
  }
  return undefined;
}

/**
 * The name on a `diff --git A B` line (`rest` is `A B`), accepted only when both sides name the
 * same path once `strip` components are dropped: the line alone cannot tell where a name with
 * spaces ends otherwise (git's git_header_name). Renames take their names from other lines.
 */
export function gitHeaderName(rest: string, strip: 0 | 1): string | undefined {
  if (rest.startsWith('"')) {
    const first = unquoteCStyle(rest);
    if (!first) return undefined;
    const firstStart = skipTreePrefix(strip, first.name);
    if (firstStart === undefined) return undefined;
    const name = first.name.slice(firstStart);
    let second = first.end;
    while (second < rest.length && isGitSpace(rest[second])) second++;
    if (second >= rest.length) return undefined;
    if (rest[second] === '"') {
      const other = unquoteCStyle(rest, second);
      if (!other) return undefined;
      const otherStart = skipTreePrefix(strip, other.name);
      return otherStart !== undefined && other.name.slice(otherStart) === name ? name : undefined;
    }
    const otherStart = skipTreePrefix(strip, rest, second);
    return otherStart !== undefined && rest.slice(otherStart) === name ? name : undefined;
  }

  const nameStart = skipTreePrefix(strip, rest);
  if (nameStart === undefined) return undefined;
  // The first name is unquoted, so a quote can only open the second name.
  const quote = rest.indexOf('"', nameStart);
  if (quote !== -1) {
    const other = unquoteCStyle(rest, quote);
    if (!other) return undefined;
    const otherStart = skipTreePrefix(strip, other.name);
    if (otherStart === undefined) return undefined;
    const name = other.name.slice(otherStart);
    const ok = name.length < quote - nameStart && rest.startsWith(name, nameStart) && isGitSpace(rest[nameStart + name.length]);
    return ok ? name : undefined;
  }
  // Unquoted on both sides: accept a name only if it shows up twice, in exactly the same form.
  // git tries every space as the separator and looks for the next slash from each one, which is
  // quadratic on a line of spaces; here the slash search only moves forward, and the length test
  // lets at most one candidate reach the string comparison, so the loop is linear.
  const total = rest.length - nameStart;
  let slash = nameStart - 1;
  for (let len = 0; len < total; len++) {
    const ch = rest[nameStart + len];
    if (ch !== ' ' && ch !== '\t') continue;
    if (len + 1 >= total) return undefined;
    const from = nameStart + len + 1;
    let second: number | undefined;
    if (strip === 0) {
      second = rest[from] === '/' ? undefined : from;
    } else {
      if (slash < from) slash = rest.indexOf('/', from);
      // No slash left: no later separator can be followed by a prefix either.
      if (slash === -1) return undefined;
      second = slash === from ? undefined : slash + 1;
    }
    if (second === undefined) continue;
    if (rest.length - second === len && rest.startsWith(rest.slice(nameStart, nameStart + len), second)) {
      return rest.slice(nameStart, nameStart + len);
    }
  }
  return undefined;
}
