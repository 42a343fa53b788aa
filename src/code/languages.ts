import type { Node } from 'web-tree-sitter';

/** The languages the code-structure layer parses; anything else falls back to git's hunk heading. */
export type CodeLanguage = 'typescript' | 'tsx' | 'javascript' | 'python' | 'go' | 'java' | 'ruby' | 'rust' | 'c' | 'cpp' | 'c_sharp' | 'php';

export interface LanguageSpec {
  id: CodeLanguage;
  /** The grammar's file: `tree-sitter-<grammar>.wasm`. */
  grammar: string;
  /** Node types that are functions or methods: what a hunk grows to. */
  functions: ReadonlySet<string>;
  /** Node types that hold members (classes, modules, impl blocks): their members are symbols too. */
  classes: ReadonlySet<string>;
  /** Node types looked through for top-level symbols (namespaces, export wrappers, decorators). */
  scopes: ReadonlySet<string>;
  /**
   * Whether a declaration is visible outside its file (its module's API): changing it can break
   * callers elsewhere. `parentExported` is the enclosing class's answer for members.
   */
  exported(node: Node, name: string, parentExported: boolean | undefined): boolean;
}

const set = (...types: string[]): ReadonlySet<string> => new Set(types);

const childOfType = (node: Node, types: readonly string[]): Node | undefined => node.namedChildren.find((c) => c !== null && types.includes(c.type)) ?? undefined;

const hasModifier = (node: Node, modifierTypes: readonly string[], word: string): boolean =>
  node.namedChildren.some((c) => c !== null && modifierTypes.includes(c.type) && new RegExp(`\\b${word}\\b`).test(c.text));

/** JS/TS: a top-level declaration is exported when an `export` statement wraps it; members follow their class unless private. */
function jsExported(node: Node, name: string, parentExported: boolean | undefined): boolean {
  if (parentExported !== undefined) {
    return parentExported && !name.startsWith('#') && !hasModifier(node, ['accessibility_modifier'], 'private');
  }
  let up = node.parent;
  while (up && (up.type === 'lexical_declaration' || up.type === 'variable_declaration')) up = up.parent;
  return up?.type === 'export_statement';
}

const JS_FUNCTIONS = ['function_declaration', 'generator_function_declaration', 'method_definition', 'function_expression', 'arrow_function', 'function'];
const JS_CLASSES = ['class_declaration', 'abstract_class_declaration', 'interface_declaration', 'class', 'internal_module'];
const JS_SCOPES = ['export_statement', 'expression_statement'];

const jsLike = (id: CodeLanguage, grammar: string): LanguageSpec => ({
  id,
  grammar,
  functions: set(...JS_FUNCTIONS),
  classes: set(...JS_CLASSES),
  scopes: set(...JS_SCOPES),
  exported: jsExported,
});

export const LANGUAGES: Readonly<Record<CodeLanguage, LanguageSpec>> = {
  typescript: jsLike('typescript', 'typescript'),
  tsx: jsLike('tsx', 'tsx'),
  javascript: jsLike('javascript', 'javascript'),
  python: {
    id: 'python',
    grammar: 'python',
    functions: set('function_definition'),
    classes: set('class_definition'),
    scopes: set('decorated_definition'),
    // No exports: a leading underscore is Python's "private" (dunder methods are public).
    exported: (_node, name, parentExported) => parentExported !== false && (!name.startsWith('_') || (name.startsWith('__') && name.endsWith('__'))),
  },
  go: {
    id: 'go',
    grammar: 'go',
    functions: set('function_declaration', 'method_declaration', 'func_literal'),
    classes: set('type_declaration'),
    scopes: set(),
    exported: (_node, name) => /^[A-Z]/.test(name),
  },
  java: {
    id: 'java',
    grammar: 'java',
    functions: set('method_declaration', 'constructor_declaration', 'lambda_expression'),
    classes: set('class_declaration', 'interface_declaration', 'enum_declaration', 'record_declaration', 'annotation_type_declaration'),
    scopes: set(),
    exported: (node, _name, parentExported) =>
      // Interface members are public without saying so.
      parentExported === undefined ? hasModifier(node, ['modifiers'], 'public') : parentExported && (hasModifier(node, ['modifiers'], 'public') || node.parent?.type === 'interface_body'),
  },
  ruby: {
    id: 'ruby',
    grammar: 'ruby',
    functions: set('method', 'singleton_method'),
    classes: set('class', 'module', 'singleton_class'),
    scopes: set(),
    exported: () => true,
  },
  rust: {
    id: 'rust',
    grammar: 'rust',
    functions: set('function_item', 'closure_expression'),
    classes: set('impl_item', 'trait_item', 'struct_item', 'enum_item', 'mod_item'),
    scopes: set(),
    exported: (node, _name, parentExported) => {
      // Trait items are as public as the trait; impl blocks carry no visibility of their own.
      if (node.type === 'impl_item' || node.parent?.parent?.type === 'trait_item') return parentExported ?? true;
      return childOfType(node, ['visibility_modifier'])?.text.startsWith('pub') === true;
    },
  },
  c: {
    id: 'c',
    grammar: 'c',
    functions: set('function_definition'),
    classes: set('struct_specifier', 'union_specifier', 'enum_specifier'),
    scopes: set('declaration', 'type_definition', 'preproc_ifdef', 'preproc_if', 'preproc_else', 'linkage_specification', 'declaration_list'),
    exported: (node) => !hasModifier(node, ['storage_class_specifier'], 'static'),
  },
  cpp: {
    id: 'cpp',
    grammar: 'cpp',
    functions: set('function_definition', 'lambda_expression'),
    classes: set('class_specifier', 'struct_specifier', 'union_specifier', 'enum_specifier'),
    scopes: set('namespace_definition', 'declaration_list', 'template_declaration', 'declaration', 'type_definition', 'preproc_ifdef', 'preproc_if', 'preproc_else', 'linkage_specification'),
    exported: (node, _name, parentExported) => parentExported ?? !hasModifier(node, ['storage_class_specifier'], 'static'),
  },
  c_sharp: {
    id: 'c_sharp',
    grammar: 'c_sharp',
    functions: set('method_declaration', 'constructor_declaration', 'local_function_statement', 'lambda_expression', 'operator_declaration'),
    classes: set('class_declaration', 'interface_declaration', 'struct_declaration', 'record_declaration', 'enum_declaration'),
    scopes: set('namespace_declaration', 'file_scoped_namespace_declaration', 'declaration_list'),
    exported: (node, _name, parentExported) =>
      (parentExported ?? true) && (hasModifier(node, ['modifier'], 'public') || node.parent?.parent?.type === 'interface_declaration'),
  },
  php: {
    id: 'php',
    grammar: 'php',
    functions: set('function_definition', 'method_declaration', 'anonymous_function', 'arrow_function'),
    classes: set('class_declaration', 'interface_declaration', 'trait_declaration', 'enum_declaration'),
    scopes: set('namespace_definition', 'compound_statement'),
    exported: (node, _name, parentExported) => (parentExported ?? true) && !hasModifier(node, ['visibility_modifier'], '(private|protected)'),
  },
};

const BY_EXTENSION: Readonly<Record<string, CodeLanguage>> = {
  ts: 'typescript',
  mts: 'typescript',
  cts: 'typescript',
  tsx: 'tsx',
  js: 'javascript',
  mjs: 'javascript',
  cjs: 'javascript',
  jsx: 'javascript',
  py: 'python',
  pyi: 'python',
  go: 'go',
  java: 'java',
  rb: 'ruby',
  rake: 'ruby',
  rs: 'rust',
  c: 'c',
  h: 'c',
  cc: 'cpp',
  cpp: 'cpp',
  cxx: 'cpp',
  'c++': 'cpp',
  hh: 'cpp',
  hpp: 'cpp',
  hxx: 'cpp',
  cs: 'c_sharp',
  php: 'php',
};

/** The parsed language of a path, by its extension; undefined: git's hunk heading is the fallback. */
export function languageOfPath(path: string): LanguageSpec | undefined {
  const name = path.slice(path.lastIndexOf('/') + 1);
  const dot = name.lastIndexOf('.');
  if (dot <= 0) return undefined;
  const id = BY_EXTENSION[name.slice(dot + 1).toLowerCase()];
  return id ? LANGUAGES[id] : undefined;
}
