import { extname } from 'node:path';

// SZZ skips deleted lines that cannot hold a bug: blank ones and comments. A fix that rewrites a
// comment did not find the commit that wrote it guilty of anything.

// A lone `*` opens a block-comment line; `*ptr = 0` is code.
const C_LIKE = /^(?:\/\/|\/\*|\*\/|\*(?:\s|$))/;
const HASH = /^#/;
const DASH_DASH = /^--/;
const XML = /^(?:<!--|-->)/;

const RULES: Record<string, RegExp> = {};
const assign = (exts: string, rule: RegExp) => {
  for (const ext of exts.split(' ')) RULES[ext] = rule;
};
assign('.c .h .cc .cpp .cxx .hpp .hh .java .js .jsx .mjs .cjs .ts .tsx .mts .cts .go .rs .swift .kt .kts .scala .cs .php .dart .groovy .gradle .m .mm .css .scss .less .proto', C_LIKE);
assign('.py .pyi .rb .sh .bash .zsh .pl .pm .r .yaml .yml .toml .cfg .ini .conf .properties .mk .cmake .tf .ex .exs .nim .ps1', HASH);
assign('.sql .lua .hs .elm .ada', DASH_DASH);
assign('.xml .html .htm .xhtml .svg .vue .xsd .xsl .wsdl', XML);

/** True for a line with nothing a bug could live in: blank, or a comment in the file's language. */
export function isBlankOrComment(path: string, text: string): boolean {
  const trimmed = text.trim();
  if (trimmed === '') return true;
  const rule = RULES[extname(path).toLowerCase()] ?? (/(?:^|\/)(?:Makefile|Dockerfile|Rakefile|Gemfile)$/.test(path) ? HASH : undefined);
  if (!rule) return false;
  // `#include` and friends are code in C; `#!` lines are code too.
  if (rule === HASH && trimmed.startsWith('#!')) return false;
  return rule.test(trimmed);
}
