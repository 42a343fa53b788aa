import type { Node, Tree } from 'web-tree-sitter';
import type { LanguageSpec } from './languages.js';
import { parserFor } from './load-grammar.js';

/** A top-level declaration (or a member of one, two levels deep) and what callers see of it. */
export interface CodeSymbol {
  /** Qualified within the file: `Class.method`, `Type.Method` for Go methods. */
  name: string;
  kind: 'function' | 'class';
  /** Visible outside its file: exported, public, or capitalised, as the language says. */
  exported: boolean;
  /** The declaration up to its body, whitespace collapsed. */
  signature: string;
  startLine: number;
  endLine: number;
}

/** A function or class around a line, 1-based inclusive lines. */
export interface CodeRegion {
  kind: 'function' | 'class';
  name: string;
  startLine: number;
  endLine: number;
}

export interface ParsedSource {
  symbols: CodeSymbol[];
  /** The innermost named function and the outermost class around a line (1-based). */
  enclosing(line: number): { fn?: CodeRegion; cls?: CodeRegion };
  /** Frees the tree (it lives in WASM memory). */
  dispose(): void;
}

const MAX_SIGNATURE_CHARS = 300;
// Members of members (a module's class's methods) are still API; deeper nesting is not.
const MAX_MEMBER_DEPTH = 2;
const NAME_TYPES: ReadonlySet<string> = new Set(['identifier', 'field_identifier', 'type_identifier', 'qualified_identifier', 'destructor_name', 'operator_name', 'property_identifier', 'name', 'constant']);
const FUNCTION_VALUES: ReadonlySet<string> = new Set(['arrow_function', 'function_expression', 'function', 'generator_function']);

const collapse = (text: string) => {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > MAX_SIGNATURE_CHARS ? `${flat.slice(0, MAX_SIGNATURE_CHARS)}…` : flat;
};

/** C and C++ name a function through its declarator chain (`*f(int)`, `ns::f`). */
function declaratorName(node: Node): string | undefined {
  let declarator: Node | null = node.childForFieldName('declarator');
  for (let depth = 0; declarator && depth < 8; depth++) {
    if (NAME_TYPES.has(declarator.type)) return declarator.text;
    declarator = declarator.childForFieldName('declarator') ?? declarator.childForFieldName('name');
  }
  return undefined;
}

function goReceiverType(node: Node): string | undefined {
  const receiver = node.childForFieldName('receiver');
  const type = receiver?.namedChildren.find((c) => c?.type === 'parameter_declaration')?.childForFieldName('type');
  return type?.text.replace(/^\*/, '').replace(/\[.*$/s, '');
}

/** A declaration's name, or undefined for anonymous ones (a lambda not bound to a name). */
export function nameOf(node: Node): string | undefined {
  if (node.type === 'impl_item') return node.childForFieldName('type')?.text;
  if (node.type === 'type_declaration') return node.namedChildren.find((c) => c?.type === 'type_spec' || c?.type === 'type_alias')?.childForFieldName('name')?.text;
  const named = node.childForFieldName('name');
  if (named) {
    if (node.type === 'method_declaration' && node.childForFieldName('receiver')) {
      const receiver = goReceiverType(node);
      return receiver ? `${receiver}.${named.text}` : named.text;
    }
    return named.text;
  }
  const fromDeclarator = declaratorName(node);
  if (fromDeclarator) return fromDeclarator;
  // `const f = () => ...`, `f = function () {}`, `{ f: () => ... }`: the binding names it.
  const parent = node.parent;
  if (parent?.type === 'variable_declarator') return parent.childForFieldName('name')?.text;
  if (parent?.type === 'assignment_expression') return parent.childForFieldName('left')?.text;
  if (parent?.type === 'pair') return parent.childForFieldName('key')?.text;
  return undefined;
}

/** The declaration up to its body: what a caller depends on. */
function signatureOf(node: Node, from: Node = node): string {
  const body = node.childForFieldName('body');
  const end = body && body.startIndex > from.startIndex ? body.startIndex : from.endIndex;
  return collapse(from.text.slice(0, end - from.startIndex));
}

/** Where a region starts: a bound lambda starts at its `const`, an exported one at `export`, a decorated one at its decorators. */
function outerStatement(node: Node): Node {
  let outer = node;
  if (FUNCTION_VALUES.has(node.type) && node.parent?.type === 'variable_declarator') outer = node.parent.parent ?? node.parent;
  while (outer.parent && (outer.parent.type === 'export_statement' || outer.parent.type === 'decorated_definition' || outer.parent.type === 'template_declaration')) outer = outer.parent;
  return outer;
}

function collectSymbols(spec: LanguageSpec, node: Node, prefix: string, parentExported: boolean | undefined, depth: number, out: CodeSymbol[]): void {
  for (const child of node.namedChildren) {
    if (!child) continue;
    const isFunction = spec.functions.has(child.type);
    if (isFunction || spec.classes.has(child.type)) {
      // Lambdas count only where a binding names them, and those are found through the binding below.
      if (isFunction && FUNCTION_VALUES.has(child.type)) continue;
      const name = nameOf(child);
      if (!name) continue;
      const exported = spec.exported(child, name, parentExported);
      const outer = outerStatement(child);
      out.push({ name: prefix + name, kind: isFunction ? 'function' : 'class', exported, signature: signatureOf(child, outer), startLine: outer.startPosition.row + 1, endLine: outer.endPosition.row + 1 });
      if (!isFunction && depth < MAX_MEMBER_DEPTH) collectSymbols(spec, child.childForFieldName('body') ?? child, `${prefix}${name}.`, exported, depth + 1, out);
    } else if ((child.type === 'lexical_declaration' || child.type === 'variable_declaration') && depth === 0) {
      for (const declarator of child.namedChildren) {
        const value = declarator?.type === 'variable_declarator' ? declarator.childForFieldName('value') : null;
        if (!value || !FUNCTION_VALUES.has(value.type)) continue;
        const name = declarator!.childForFieldName('name')?.text;
        if (!name) continue;
        const outer = outerStatement(value);
        out.push({ name: prefix + name, kind: 'function', exported: spec.exported(value, name, parentExported), signature: signatureOf(value, outer), startLine: outer.startPosition.row + 1, endLine: outer.endPosition.row + 1 });
      }
    } else if (spec.scopes.has(child.type)) {
      collectSymbols(spec, child, prefix, parentExported, depth, out);
    }
  }
}

const regionOf = (kind: CodeRegion['kind'], node: Node, name: string): CodeRegion => {
  const outer = outerStatement(node);
  return { kind, name, startLine: outer.startPosition.row + 1, endLine: outer.endPosition.row + 1 };
};

/** Parses a file's text in one language; undefined lines past the end have no enclosing region. */
export async function parseSource(spec: LanguageSpec, text: string): Promise<ParsedSource> {
  const parser = await parserFor(spec);
  const tree: Tree | null = parser.parse(text);
  if (!tree) throw new Error(`tree-sitter could not parse the ${spec.id} file`);
  const symbols: CodeSymbol[] = [];
  collectSymbols(spec, tree.rootNode, '', undefined, 0, symbols);
  const lines = text.split('\n');
  return {
    symbols,
    enclosing(line) {
      const row = line - 1;
      const lineText = lines[row];
      if (lineText === undefined) return {};
      const column = Math.max(0, lineText.search(/\S/));
      let node: Node | null = tree.rootNode.descendantForPosition({ row, column });
      let fn: CodeRegion | undefined;
      let anonymous: Node | undefined;
      let cls: CodeRegion | undefined;
      for (; node; node = node.parent) {
        if (spec.functions.has(node.type)) {
          const name = fn ? undefined : nameOf(node);
          if (!fn && name) fn = regionOf('function', node, name);
          else if (!fn) anonymous = node;
        } else if (spec.classes.has(node.type)) {
          cls = regionOf('class', node, nameOf(node) ?? node.type);
        }
      }
      if (!fn && anonymous) fn = regionOf('function', anonymous, '(anonymous function)');
      return { ...(fn ? { fn } : {}), ...(cls ? { cls } : {}) };
    },
    dispose: () => tree.delete(),
  };
}
