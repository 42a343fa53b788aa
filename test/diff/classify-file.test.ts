import { describe, expect, it } from 'vitest';
import { createFileClassifier } from '../../src/diff/classify-file.js';

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
    ['web/vendor/jquery.js', 'vendored', 'JavaScript'],
    ['node_modules/x/index.js', 'vendored', 'JavaScript'],
    ['static/app.min.js', 'generated', 'JavaScript'],
    ['api/user.pb.go', 'generated', 'Go'],
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
});
