import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';

const manifest = parse(readFileSync(new URL('../../app.yml', import.meta.url), 'utf8')) as { default_events: string[]; default_permissions: Record<string, string> };
const appSource = readFileSync(new URL('../../src/app/riskgate-app.ts', import.meta.url), 'utf8');

describe('app.yml', () => {
  it('subscribes to exactly the events the App handles', () => {
    const handled = new Set([...appSource.matchAll(/'(pull_request|issue_comment|check_run)\.[a-z_]+'/g)].map((m) => m[1]));
    expect([...manifest.default_events].sort()).toEqual([...handled].sort());
  });

  it('asks for the least: writes only checks and issue comments/reactions', () => {
    expect(manifest.default_permissions).toEqual({ checks: 'write', pull_requests: 'read', contents: 'read', metadata: 'read', issues: 'write' });
  });
});
