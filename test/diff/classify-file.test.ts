import { describe, expect, it } from 'vitest';
import { createFileClassifier, LINGUIST_ATTRIBUTES } from '../../src/diff/classify-file.js';
import { parseGitAttributes } from '../../src/diff/match-git-attributes.js';

const classify = createFileClassifier();

describe('classifyFile', () => {
  it.each([
    ['src/index.ts', 'source', 'TypeScript'],
    ['lib/app.py', 'source', 'Python'],
    ['db/schema/001.sql', 'source', 'SQL'],
    ['Makefile', 'source', 'Makefile'],
    ['src/app.test.ts', 'test', 'TypeScript'],
    ['src/test/java/org/FooTest.java', 'test', 'Java'],
    ['pkg/server_test.go', 'test', 'Go'],
    ['tests/test_api.py', 'test', 'Python'],
    ['README.md', 'docs', 'Markdown'],
    ['docs/guide/intro.rst', 'docs', 'reStructuredText'],
    ['config/settings.yml', 'config', 'YAML'],
    ['tsconfig.json', 'config', 'JSON with Comments'],
    ['app/data.json', 'config', 'JSON'],
    ['.github/workflows/ci.yml', 'ci', 'YAML'],
    ['.gitlab-ci.yml', 'ci', 'YAML'],
    ['Jenkinsfile', 'ci', 'Groovy'],
    ['Dockerfile', 'infrastructure', 'Dockerfile'],
    ['infra/main.tf', 'infrastructure', 'HCL'],
    ['charts/app/values.yaml', 'infrastructure', 'YAML'],
    ['package.json', 'dependency-manifest', 'JSON'],
    ['services/api/requirements.txt', 'dependency-manifest', 'Pip Requirements'],
    ['ivy.xml', 'dependency-manifest', 'XML'],
    ['pom.xml', 'dependency-manifest', 'Maven POM'],
    ['package-lock.json', 'lockfile', 'JSON'],
    ['go.sum', 'lockfile', 'Go Checksums'],
    ['services/web/yarn.lock', 'lockfile', 'YAML'],
  ])('%s is %s (%s)', (path, kind, language) => {
    expect(classify(path)).toEqual({ kind, language });
  });

  it('calls an unknown file source, so that it is never waved through', () => {
    expect(classify('bin/mystery.xyz')).toEqual({ kind: 'source' });
  });

  it('keeps code in a docs folder as source, so a folder name cannot lower the score', () => {
    expect(classify('docs/build.js').kind).toBe('source');
  });

  it('normalises ./ and backslashes before matching', () => {
    expect(classify('./.github\\workflows\\ci.yml').kind).toBe('ci');
  });

  it('lets config globs win over the built-in rules', () => {
    const custom = createFileClassifier({ generated: ['src/gen/**'], test: ['qa/**'] });
    expect(custom('src/gen/api.ts').kind).toBe('generated');
    expect(custom('qa/smoke.ts').kind).toBe('test');
    expect(custom('src/other.ts').kind).toBe('source');
  });

  // A path is the author's claim: none of these folders or names makes a file tool-made.
  it.each([
    ['src/vendor/payments.js', 'JavaScript'],
    ['vendor/github.com/acme/x/client.go', 'Go'],
    ['web/vendor/jquery.js', 'JavaScript'],
    ['node_modules/left-pad/index.js', 'JavaScript'],
    ['third_party/zlib/inflate.c', 'C'],
    ['src/generated/api.ts', 'TypeScript'],
    ['dist/index.js', 'JavaScript'],
    ['static/app.min.js', 'JavaScript'],
    ['api/user.pb.go', 'Go'],
    ['src/__generated__/schema.ts', 'TypeScript'],
  ])('%s is source: its path earns no vendored or generated status', (path, language) => {
    expect(classify(path)).toEqual({ kind: 'source', language });
  });

  describe('with the base branch\'s .gitattributes', () => {
    const attributes = parseGitAttributes(
      [
        'vendor/** linguist-vendored',
        'vendor/ours/** -linguist-vendored',
        'api/*.pb.go linguist-generated',
        '.github/workflows/*.lock.yml linguist-generated=true',
        'package-lock.json -linguist-generated',
        'docs/** linguist-generated=false',
      ].join('\n'),
      LINGUIST_ATTRIBUTES,
    );
    const classifyAt = createFileClassifier({}, attributes);

    it.each([
      ['vendor/github.com/acme/x/client.go', 'vendored'],
      ['vendor/ours/patched.go', 'source'],
      ['src/vendor/payments.js', 'source'],
      ['api/user.pb.go', 'generated'],
      ['api/v2/user.pb.go', 'source'],
      ['yarn.lock', 'lockfile'],
      ['docs/guide.md', 'docs'],
    ])('%s is %s', (path, kind) => {
      expect(classifyAt(path).kind).toBe(kind);
    });

    it('keeps a workflow CI even when the base marks it generated: it runs with the repository\'s secrets', () => {
      expect(classifyAt('.github/workflows/agent.lock.yml').kind).toBe('ci');
    });

    it('shows a lockfile in full when the base unsets linguist-generated on it, as GitHub does', () => {
      expect(classifyAt('package-lock.json')).toEqual({ kind: 'config', language: 'JSON' });
    });

    it('lets config globs win over the attributes', () => {
      const configured = createFileClassifier({ source: ['vendor/patched/**'], vendored: ['lib/ext/**'] }, attributes);
      expect(configured('vendor/patched/x.go').kind).toBe('source');
      expect(configured('lib/ext/x.go').kind).toBe('vendored');
    });
  });
});
