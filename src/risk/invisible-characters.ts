// The one table of characters that change what a reader sees without being seen. The pattern rules,
// the PR-text check, riskgate's own injection check, the model-input sanitiser and every evidence
// excerpt use it.
//
// The table is Unicode's own: Default_Ignorable_Code_Point (zero-width and joiner characters, soft
// hyphen, variation selectors, Hangul fillers, tag characters, deprecated format controls ...) and
// Bidi_Control, read through V8's `\p{...}`, so it grows with Unicode itself. Added by hand, because
// they render as nothing but are not default-ignorable: U+2800 BRAILLE PATTERN BLANK, U+1D159
// MUSICAL SYMBOL NULL NOTEHEAD and the interlinear annotation controls U+FFF9-U+FFFB (some
// renderers hide the annotation between them).
//
// Every scan is one character class over the text (linear in V8); legitimate uses are told apart
// by looking at the neighbouring characters only.

const TABLE = '\\p{Default_Ignorable_Code_Point}\\p{Bidi_Control}\\u2800\\u{1D159}\\uFFF9-\\uFFFB';
// Subsets of the table, so that a search for one kind steps over the others' characters.
const TAGS = '\\u{E0000}-\\u{E007F}';
const REORDERING_OR_TAGS = `\\u202A-\\u202E\\u2066-\\u2069${TAGS}`;

/** Kinds of hidden character, the split the risk factors and floors use. */
export type HiddenKind =
  /** Bidirectional embeddings, overrides and isolates (Trojan Source) and Unicode tag characters. */
  | 'bidi-or-tag'
  /** Every other character of the table. */
  | 'hidden';

export interface HiddenCharacter {
  /** UTF-16 offset in the text. */
  index: number;
  codePoint: number;
  kind: HiddenKind;
}

// Embeddings, overrides and isolates reorder whole runs of text (CVE-2021-42574). The marks LRM,
// RLM and ALM (also Bidi_Control) only settle the direction of neutral characters and are common
// in right-to-left translations, so they count as 'hidden', not as reordering.
const isReordering = (cp: number) => (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069);
const isTag = (cp: number) => cp >= 0xe0000 && cp <= 0xe007f;
const isVariationSelector = (cp: number) => (cp >= 0xfe00 && cp <= 0xfe0f) || (cp >= 0xe0100 && cp <= 0xe01ef) || (cp >= 0x180b && cp <= 0x180d) || cp === 0x180f;

const PICTOGRAPHIC = /\p{Extended_Pictographic}/u;
const EMOJI_MODIFIER = /\p{Emoji_Modifier}/u;
const LETTER_OR_MARK = /[\p{L}\p{M}]/u;
// Scripts whose words are written with zero-width joiners: Persian needs ZWNJ, Indic scripts ZWJ.
const JOINING_SCRIPT = /[\p{Script=Arabic}\p{Script=Syriac}\p{Script=Nko}\p{Script=Mongolian}\p{Script=Devanagari}\p{Script=Bengali}\p{Script=Gurmukhi}\p{Script=Gujarati}\p{Script=Oriya}\p{Script=Tamil}\p{Script=Telugu}\p{Script=Kannada}\p{Script=Malayalam}\p{Script=Sinhala}\p{Script=Khmer}\p{Script=Myanmar}]/u;
const WHITESPACE = /\s/u;

// The three subdivision flags Unicode recommends (England, Scotland, Wales) are the only use of tag
// characters in text: U+1F3F4, the tags of gbeng / gbsct / gbwls, CANCEL TAG.
const FLAG_TAGS = ['gbeng', 'gbsct', 'gbwls'].map((code) => [...code].map((c) => String.fromCodePoint(0xe0000 + c.charCodeAt(0))).join(''));
const BLACK_FLAG = '\u{1F3F4}';
const CANCEL_TAG = '\u{E007F}';

function codePointBefore(text: string, index: number): number | undefined {
  if (index <= 0) return undefined;
  const low = text.charCodeAt(index - 1);
  if (low >= 0xdc00 && low <= 0xdfff && index >= 2) {
    const high = text.charCodeAt(index - 2);
    if (high >= 0xd800 && high <= 0xdbff) return text.codePointAt(index - 2);
  }
  return low;
}

const charOf = (cp: number | undefined) => (cp === undefined ? '' : String.fromCodePoint(cp));

/** Whether the tag character at `index` belongs to one of the three subdivision flag sequences. */
function inFlagSequence(text: string, index: number): boolean {
  // A sequence is 14 UTF-16 units (flag, five tags, cancel tag): look back that far only, so the
  // work per character stays constant.
  for (let start = Math.max(0, index - 12); start < index; start++) {
    if (!text.startsWith(BLACK_FLAG, start)) continue;
    const tags = start + BLACK_FLAG.length;
    for (const flag of FLAG_TAGS) {
      if (text.startsWith(flag, tags) && text.startsWith(CANCEL_TAG, tags + flag.length) && index < tags + flag.length + CANCEL_TAG.length) return true;
    }
  }
  return false;
}

/** Whether the character at `index` has an ordinary, visible-text use right where it stands. */
function isLegitimate(text: string, index: number, cp: number): boolean {
  const width = cp > 0xffff ? 2 : 1;
  const before = codePointBefore(text, index);
  const after = text.codePointAt(index + width);
  // A variation selector picks the glyph of the one character before it (emoji, CJK): one is
  // ordinary, a run of them encodes data ("emoji smuggling").
  if (isVariationSelector(cp)) return before !== undefined && !isVariationSelector(before) && !WHITESPACE.test(charOf(before)) && !isTag(before);
  // Zero-width joiners inside an emoji sequence (family, profession and flag emoji).
  if (cp === 0x200d && after !== undefined && PICTOGRAPHIC.test(charOf(after)) && before !== undefined) {
    const b = charOf(before);
    if (PICTOGRAPHIC.test(b) || EMOJI_MODIFIER.test(b) || before === 0xfe0f) return true;
  }
  // Joiners inside words of the scripts that write with them.
  if ((cp === 0x200c || cp === 0x200d) && before !== undefined && after !== undefined) {
    const b = charOf(before);
    const a = charOf(after);
    if (LETTER_OR_MARK.test(b) && LETTER_OR_MARK.test(a) && (JOINING_SCRIPT.test(b) || JOINING_SCRIPT.test(a))) return true;
  }
  // The braille blank inside braille art or a braille spinner.
  if (cp === 0x2800) return (before !== undefined && before > 0x2800 && before <= 0x28ff) || (after !== undefined && after > 0x2800 && after <= 0x28ff);
  if (isTag(cp)) return inFlagSequence(text, index);
  return false;
}

// A scan in Unicode mode over a whole file's text costs time and memory even when it finds nothing
// (on a 50 MB diff: 1.5 s and 120 MB). The table's code points below U+0800 are few (U+00AD,
// U+034F, U+061C today), so a plain class of those and of everything from U+0800 up (surrogates
// included) rules out most source text first. Read from the table itself, so it follows Unicode.
const LOW_TABLE = new RegExp(`[${TABLE}]`, 'u');
const lowCodePoints = Array.from({ length: 0x800 }, (_, cp) => cp).filter((cp) => LOW_TABLE.test(String.fromCharCode(cp)));
const MAY_HOLD_INVISIBLE = new RegExp(`[${lowCodePoints.map((cp) => `\\u${cp.toString(16).padStart(4, '0')}`).join('')}\\u0800-\\uFFFF]`);

/** False when the text certainly holds no character of the table (a cheap test first). */
export function mayHoldInvisible(text: string): boolean {
  return MAY_HOLD_INVISIBLE.test(text);
}

/** A fresh global regular expression for every character of the table (fresh: `g` carries state). */
export function invisibleCharacterPattern(): RegExp {
  return new RegExp(`[${TABLE}]`, 'gu');
}

/**
 * The hidden characters of a text, in order, leaving out legitimate uses: a single variation
 * selector after a character, joiners inside emoji or inside words of scripts that need them,
 * the braille blank inside braille art, the three subdivision flags. Lazy: stop when you know enough.
 */
export function* hiddenCharacters(text: string, only?: 'bidi-or-tag' | 'tag'): Generator<HiddenCharacter> {
  if (!mayHoldInvisible(text)) return;
  const scan = new RegExp(`[${only === 'tag' ? TAGS : only === 'bidi-or-tag' ? REORDERING_OR_TAGS : TABLE}]`, 'gu');
  for (let m = scan.exec(text); m; m = scan.exec(text)) {
    const cp = m[0].codePointAt(0)!;
    if (isLegitimate(text, m.index, cp)) continue;
    yield { index: m.index, codePoint: cp, kind: isReordering(cp) || isTag(cp) ? 'bidi-or-tag' : 'hidden' };
  }
}

/** The first hidden character of a kind (or of any kind); 'tag' is the tag characters alone. */
export function firstHiddenCharacter(text: string, kind?: HiddenKind | 'tag'): HiddenCharacter | undefined {
  const only = kind === 'hidden' ? undefined : kind;
  for (const found of hiddenCharacters(text, only)) if (kind !== 'hidden' || found.kind === 'hidden') return found;
  return undefined;
}

/** The text without any character of the table (what models are shown), and how many went. */
export function stripInvisible(text: string): { text: string; removed: number } {
  if (!mayHoldInvisible(text)) return { text, removed: 0 };
  let removed = 0;
  const cleaned = text.replace(invisibleCharacterPattern(), () => {
    removed++;
    return '';
  });
  return { text: cleaned, removed };
}

const codePointLabel = (ch: string) => `<U+${(ch.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}>`;

/**
 * Every character of the table, and C0/C1 controls other than tab, written as `<U+202E>` (or as
 * `label` writes them: Markdown, where `<` is special, shows `[U+202E]`).
 */
export function showInvisible(text: string, label: (ch: string) => string = codePointLabel): string {
  return text.replace(new RegExp(`[\\u0000-\\u0008\\u000B-\\u001F\\u007F-\\u009F${TABLE}]`, 'gu'), label);
}
