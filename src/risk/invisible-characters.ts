// Characters that change what a reader sees without being seen: soft hyphen, combining grapheme
// joiner, Arabic letter and Mongolian vowel marks, zero-width and bidirectional controls, word
// joiners, the zero-width no-break space (U+FEFF) and Unicode tag characters. The Trojan Source
// rule, the PR-text check, the model-input sanitiser and evidence excerpts all use this one set.
// Bidirectional embeddings, overrides and isolates reorder what a reader sees (Trojan Source);
// tag characters (U+E0000-U+E007F, a surrogate pair) carry text that renders as nothing.
const TAG_SOURCE = '\\uDB40[\\uDC00-\\uDC7F]';
const REORDERING_OR_TAG_SOURCE = `[\\u202A-\\u202E\\u2066-\\u2069]|${TAG_SOURCE}`;
const INVISIBLE_SOURCE = `[\\u00AD\\u034F\\u061C\\u180E\\u200B-\\u200F\\u2060-\\u2064\\uFEFF]|${REORDERING_OR_TAG_SOURCE}`;

/** A fresh regular expression for the invisible characters (fresh: `g` carries state). */
export function invisibleCharacters(flags = ''): RegExp {
  return new RegExp(INVISIBLE_SOURCE, flags);
}

/** The subset that reorders text or hides whole words: bidirectional controls and tag characters. */
export function reorderingOrTagCharacters(flags = ''): RegExp {
  return new RegExp(REORDERING_OR_TAG_SOURCE, flags);
}

/** Tag characters alone: in a title or description they have no use but hiding text. */
export function tagCharacters(flags = ''): RegExp {
  return new RegExp(TAG_SOURCE, flags);
}

/** The same, plus C0 and C1 control characters other than tab and newline, for excerpts. */
export function invisibleOrControlCharacters(flags = ''): RegExp {
  return new RegExp(`[\\u0000-\\u0008\\u000B-\\u001F\\u007F-\\u009F]|${INVISIBLE_SOURCE}`, flags);
}
