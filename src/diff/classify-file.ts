import { Minimatch } from 'minimatch';
import type { FileKind } from './diff-file.js';
import { languageOf } from './linguist-table.js';
import { createAttributeLookup, type AttributeState, type GitAttributes } from './match-git-attributes.js';

export type FileClassifier = (path: string) => { kind: FileKind; language?: string };

/** Extra globs per kind from config; they win over the built-in rules. */
export type KindOverrides = Partial<Record<FileKind, readonly string[]>>;

/** The attributes GitHub linguist reads, and so riskgate: the base branch marks its tool-made files with them. */
export const LINGUIST_ATTRIBUTES = ['linguist-vendored', 'linguist-generated'] as const;

// A path is the author's claim, not a fact: a file is vendored or generated only when the base
// branch says so (config `paths.kinds`, or `linguist-vendored` / `linguist-generated` in its
// .gitattributes), never because of the folder an author put it in. Lockfiles keep their
// package manager's exact file names. CI comes first: a workflow runs with the repository's
// secrets whoever generated it. Then the rules that raise risk, then those that lower it, so a
// path can never fall into a lowering kind when a raising rule also matches.
const CI_RULE: readonly [FileKind, readonly string[]] = ['ci', [
  '.github/workflows/**', '.github/actions/**', '**/.gitlab-ci.yml', '.gitlab/ci/**', '.circleci/**',
  '**/Jenkinsfile', '**/*.jenkinsfile', 'azure-pipelines*.yml', '.azure-pipelines/**', '.travis.yml',
  '.buildkite/**', 'bitbucket-pipelines.yml', '.drone.yml', '{.,}appveyor.yml', '.woodpecker/**',
  '.woodpecker.yml', 'cloudbuild.{yaml,yml}', '.pre-commit-config.yaml', '.ci/**',
]];

const LOCKFILE_RULE: readonly [FileKind, readonly string[]] = ['lockfile', [
  '**/{package-lock.json,npm-shrinkwrap.json,yarn.lock,pnpm-lock.yaml,bun.lock,bun.lockb,Cargo.lock,Gemfile.lock}',
  '**/{poetry.lock,Pipfile.lock,uv.lock,pdm.lock,composer.lock,go.sum,Podfile.lock,mix.lock,pubspec.lock}',
  '**/{flake.lock,gradle.lockfile,packages.lock.json,Package.resolved,deno.lock,conan.lock,MODULE.bazel.lock}',
]];

const RULES: ReadonlyArray<readonly [FileKind, readonly string[]]> = [
  ['infrastructure', [
    '**/{Dockerfile,Containerfile}{,.*}', '**/*.{dockerfile,containerfile}', '**/{docker-,}compose*.{yml,yaml}',
    '**/*.{tf,tfvars,hcl,bicep,nomad}', '**/{terraform,infra,infrastructure,deploy,deployment,deployments,k8s,kubernetes,helm,charts,ansible,puppet,chef}/**',
    '**/{Chart.yaml,kustomization.yaml,skaffold.yaml,serverless.yml,serverless.yaml,Vagrantfile,Procfile,fly.toml,app.yaml}',
    '**/Pulumi*.yaml', '**/{nginx,haproxy,envoy}*.conf', '**/*.service',
  ]],
  ['dependency-manifest', [
    '**/{package.json,requirements*.txt,Pipfile,pyproject.toml,setup.py,setup.cfg,Cargo.toml,go.mod,Gemfile}',
    '**/*.gemspec', '**/{composer.json,pom.xml,build.gradle,build.gradle.kts,settings.gradle,settings.gradle.kts}',
    '**/{ivy.xml,ivysettings.xml,build.sbt,mix.exs,pubspec.yaml,Podfile,packages.config,Directory.Packages.props}',
    '**/*.csproj', '**/{deno.json,deno.jsonc,vcpkg.json,conanfile.txt,conanfile.py,MODULE.bazel,WORKSPACE,environment.yml}',
  ]],
  ['test', [
    '**/{test,tests,__tests__,__test__,spec,specs,testing,e2e,testdata,test-data,fixtures,__fixtures__,__mocks__,unittest,unittests,integration-tests}/**',
    '**/*.{test,spec,e2e-spec}.*', '**/*_{test,spec}.*', '**/test_*.py', '**/conftest.py',
    '**/*{Test,Tests,IT,TestCase,Spec}.{java,kt,scala,groovy,cs,swift,php}', '**/src/test/**', '**/*_test.go',
  ]],
  ['docs', [
    '**/{README,CHANGELOG,CHANGES,HISTORY,NEWS,CONTRIBUTING,AUTHORS,CONTRIBUTORS,LICENSE,LICENCE,COPYING,NOTICE,CODE_OF_CONDUCT,SECURITY}{,.*}',
    '**/{docs,doc,documentation}/**/*.{md,mdx,rst,adoc,txt,png,jpg,jpeg,gif,svg,webp,ico,pdf,html,css}',
  ]],
];

const ASSET = /\.(png|jpe?g|gif|webp|ico|bmp|pdf|woff2?|ttf|otf|eot)$/i;

interface CompiledRule {
  kind: FileKind;
  matchers: Minimatch[];
}

function compile(kind: FileKind, globs: readonly string[]): CompiledRule {
  // dot: `.github/**` must match; nocase off: paths are case-sensitive in git.
  return { kind, matchers: globs.map((glob) => new Minimatch(glob, { dot: true })) };
}

/** Normalises a path for glob matching: forward slashes, no leading `./` or `/`. */
export function normalisePath(path: string): string {
  return path.replace(/\\/g, '/').replace(/^(?:\.\/)+/, '').replace(/^\/+/, '');
}

/** Linguist's reading of a boolean attribute: set or any value but "false" is yes; unset or "false" is no. */
function linguistFlag(state: AttributeState | undefined): boolean | undefined {
  if (state === undefined || state === null) return undefined;
  return state !== false && state !== 'false';
}

/**
 * `attributes`: the base branch's .gitattributes (only its linguist lines matter). Order: config
 * globs, CI, the base's linguist attributes, lockfile names, the other built-in rules, linguist's
 * language table.
 */
export function createFileClassifier(overrides: KindOverrides = {}, attributes?: GitAttributes): FileClassifier {
  const configured = Object.entries(overrides).map(([kind, globs]) => compile(kind as FileKind, globs ?? []));
  const ci = compile(...CI_RULE);
  const lockfile = compile(...LOCKFILE_RULE);
  const rules = RULES.map(([kind, globs]) => compile(kind, globs));
  const lookup = attributes && attributes.lines.length > 0 ? createAttributeLookup(attributes) : undefined;
  return (rawPath) => {
    const path = normalisePath(rawPath);
    const language = languageOf(path);
    const named = (kind: FileKind) => (language ? { kind, language: language.name } : { kind });
    const matches = (rule: CompiledRule) => rule.matchers.some((m) => m.match(path));
    for (const rule of configured) if (matches(rule)) return named(rule.kind);
    if (matches(ci)) return named('ci');
    const found = lookup?.(path);
    const vendored = linguistFlag(found?.get('linguist-vendored'));
    const generated = linguistFlag(found?.get('linguist-generated'));
    if (vendored) return named('vendored');
    if (generated) return named('generated');
    // Linguist calls lockfiles generated: `-linguist-generated` at the base shows them in full.
    if (generated !== false && matches(lockfile)) return named('lockfile');
    for (const rule of rules) if (matches(rule)) return named(rule.kind);
    if (!language) return named(ASSET.test(path) ? 'docs' : 'source');
    switch (language.type) {
      case 'prose':
        return named('docs');
      case 'data':
        // SQL is "data" to linguist but code to a reviewer (migrations, queries).
        return named(language.name === 'SQL' || language.name === 'PLpgSQL' ? 'source' : 'config');
      default:
        return named('source');
    }
  };
}
