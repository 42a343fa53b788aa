import { Minimatch } from 'minimatch';
import type { FileKind } from './diff-file.js';
import { languageOf } from './linguist-table.js';

export type FileClassifier = (path: string) => { kind: FileKind; language?: string };

/** Extra globs per kind from config; they win over the built-in rules. */
export type KindOverrides = Partial<Record<FileKind, readonly string[]>>;

// Order matters: the first rule that matches decides. Vendored and generated content first
// (excluded from the size factor), then the kinds that raise risk, then the ones that lower it,
// so a path can never fall into a lowering kind when a raising rule also matches.
const RULES: ReadonlyArray<readonly [FileKind, readonly string[]]> = [
  ['vendored', [
    '**/{vendor,vendors,third_party,third-party,thirdparty,node_modules,bower_components,Godeps/_workspace,Carthage/Checkouts,Pods}/**',
  ]],
  ['generated', [
    '**/*.{min.js,min.css,min.mjs}', '**/*.{js,css}.map', '**/*.pb.{go,cc,h}', '**/*_pb2{,_grpc}.py', '**/*_pb2.pyi',
    '**/*.pb.{swift,dart}', '**/*.g.{dart,cs}', '**/*.generated.*', '**/*.designer.cs', '**/*_generated.go',
    '**/zz_generated*.go', '**/__generated__/**', '**/{dist,generated,gen-src}/**', '**/*.snap',
  ]],
  ['lockfile', [
    '**/{package-lock.json,npm-shrinkwrap.json,yarn.lock,pnpm-lock.yaml,bun.lock,bun.lockb,Cargo.lock,Gemfile.lock}',
    '**/{poetry.lock,Pipfile.lock,uv.lock,pdm.lock,composer.lock,go.sum,Podfile.lock,mix.lock,pubspec.lock}',
    '**/{flake.lock,gradle.lockfile,packages.lock.json,Package.resolved,deno.lock,conan.lock,MODULE.bazel.lock}',
  ]],
  ['ci', [
    '.github/workflows/**', '.github/actions/**', '**/.gitlab-ci.yml', '.gitlab/ci/**', '.circleci/**',
    '**/Jenkinsfile', '**/*.jenkinsfile', 'azure-pipelines*.yml', '.azure-pipelines/**', '.travis.yml',
    '.buildkite/**', 'bitbucket-pipelines.yml', '.drone.yml', '{.,}appveyor.yml', '.woodpecker/**',
    '.woodpecker.yml', 'cloudbuild.{yaml,yml}', '.pre-commit-config.yaml', '.ci/**',
  ]],
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

export function createFileClassifier(overrides: KindOverrides = {}): FileClassifier {
  const rules = [
    ...Object.entries(overrides).map(([kind, globs]) => compile(kind as FileKind, globs ?? [])),
    ...RULES.map(([kind, globs]) => compile(kind, globs)),
  ];
  return (rawPath) => {
    const path = normalisePath(rawPath);
    const language = languageOf(path);
    const named = (kind: FileKind) => (language ? { kind, language: language.name } : { kind });
    for (const rule of rules) {
      if (rule.matchers.some((m) => m.match(path))) return named(rule.kind);
    }
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
