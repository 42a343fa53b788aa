// Characters that change what a reader sees without being seen: soft hyphen, combining grapheme
// joiner, Arabic letter and Mongolian vowel marks, zero-width and bidirectional controls, word
// joiners, the zero-width no-break space (U+FEFF) and Unicode tag characters. The Trojan Source
// rule, the PR-text check, the model-input sanitiser and evidence excerpts all use this one set.
const INVISIBLE_SOURCE =
  '[\\u00AD\\u034F\\u061C\\u180E\\u200B-\\u200F\\u202A-\\u202E\\u2060-\\u2064\\u2066-\\u2069\\uFEFF]|\\uDB40[\\uDC00-\\uDC7F]';

/** A fresh regular expression for the invisible characters (fresh: `g` carries state). */
export function invisibleCharacters(flags = ''): RegExp {
  return new RegExp(INVISIBLE_SOURCE, flags);
}

/** The same, plus C0 and C1 control characters other than tab and newline, for excerpts. */
export function invisibleOrControlCharacters(flags = ''): RegExp {
  return new RegExp(`[\\u0000-\\u0008\\u000B-\\u001F\\u007F-\\u009F]|${INVISIBLE_SOURCE}`, flags);
}
