import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { secretsFromEnv } from '../../src/security/configured-secrets.js';
import { REDACTED, redactCredentialShapes, secretRedactor } from '../../src/security/redact-secrets.js';

const PEM = generateKeyPairSync('rsa', { modulusLength: 1024, privateKeyEncoding: { type: 'pkcs1', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } }).privateKey;

describe('secretRedactor', () => {
  const redact = secretRedactor([
    { name: 'ANTHROPIC_API_KEY', value: 'gw-key-7f3a9c2e"quoted' },
    { name: 'WEBHOOK_SECRET', value: 'hook secret/with+chars' },
    { name: 'PRIVATE_KEY', value: PEM },
    { name: 'SHORT', value: 'abc' },
  ]);

  it('replaces each configured value, also JSON-escaped or URL-encoded, and names the setting', () => {
    expect(redact('got gw-key-7f3a9c2e"quoted back')).toBe('got [redacted: ANTHROPIC_API_KEY] back');
    expect(redact(JSON.stringify({ headers: { 'x-custom': 'gw-key-7f3a9c2e"quoted' } }))).not.toContain('gw-key-7f3a9c2e');
    expect(redact(`?s=${encodeURIComponent('hook secret/with+chars')}`)).toBe('?s=[redacted: WEBHOOK_SECRET]');
  });

  it('replaces a private key whole, a line of it, and its JSON-escaped form', () => {
    const line = PEM.split('\n')[3]!;
    for (const text of [`key: ${PEM} end`, `partial ${line} end`, JSON.stringify({ key: PEM })]) {
      const out = redact(text);
      expect(out).not.toContain(line);
      expect(out).toMatch(/\[redacted/);
    }
  });

  it('leaves values shorter than 8 characters alone: they would blank ordinary words', () => {
    expect(redact('abc abc')).toBe('abc abc');
  });
});

describe('redactCredentialShapes', () => {
  it.each([
    ['an Anthropic key', 'invalid x-api-key sk-ant-api03-AbCdEf0123456789_xyz-QQ', 'sk-ant-api03'],
    ['a GitHub installation token', 'Authorization: token ghs_16C7e42F292c6912E7710c838347Ae178B4a', 'ghs_16C7e42F'],
    ['a GitHub personal token', 'cloned with ghp_abcdefghijklmnopqrstuvwxyz0123456789', 'ghp_abcdefghij'],
    ['a fine-grained token', 'github_pat_11ABCDEFG0123456789_abcdefghijklmnop', 'github_pat_11ABC'],
    ['a bearer credential', 'headers: {"authorization":"Bearer eyJhbGciOi.JIUzI1NiJ9.e30"}', 'eyJhbGciOi'],
    ['an x-api-key header echoed as JSON', '{"x-api-key":"my-gateway-key-123"}', 'my-gateway-key-123'],
    ['a password in a URL', 'connect ECONNREFUSED postgres://riskgate:s3cret-pass@db:5432/riskgate', 's3cret-pass'],
  ])('%s', (_what, text, secret) => {
    const out = redactCredentialShapes(text);
    expect(out).not.toContain(secret);
    expect(out).toContain(REDACTED);
  });

  it('a PEM private key, terminated, cut off, or JSON-escaped; a certificate stays', () => {
    const body = PEM.split('\n')[2]!;
    expect(redactCredentialShapes(`before\n${PEM}after`)).toBe(`before\n${REDACTED}\nafter`);
    expect(redactCredentialShapes(`cut: ${PEM.slice(0, 300)}`)).not.toContain(body);
    expect(redactCredentialShapes(JSON.stringify({ pem: PEM }))).toBe(JSON.stringify({ pem: `${REDACTED}\n` }));
    const cert = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----';
    expect(redactCredentialShapes(cert)).toBe(cert);
  });

  it('keeps ordinary text as it is', () => {
    const text = 'The token was refused (401). See https://docs.github.com/rest for a bearer-less call; sk-8 is short.';
    expect(redactCredentialShapes(text)).toBe(text);
  });

  // Author text reaches these patterns (diffs, PR text, model answers quoting them). A quadratic
  // pattern takes seconds on 100 KB and hours on 1 MB; these bounds leave room for a busy machine.
  it.each([
    ['sk-ant-', 'sk-ant-x '],
    ['ghp_', 'ghp_'],
    ['Bearer', 'Bearer '],
    ['x-api-key', 'x-api-key: '],
    ['URL credentials', '://a:'],
    ['unterminated PEM blocks', '-----BEGIN RSA PRIVATE KEY-----'],
    ['PEM labels without end', '-----BEGIN '],
    ['a long run after a scheme', 'Bearer aaaa'],
  ])('is linear on adversarial text: %s', (_what, unit) => {
    const fastest = (size: number) => {
      const text = unit.repeat(Math.ceil(size / unit.length));
      let best = Infinity;
      for (let i = 0; i < 3; i++) {
        const started = performance.now();
        redactCredentialShapes(text);
        best = Math.min(best, performance.now() - started);
      }
      return best;
    };
    expect(fastest(100_000)).toBeLessThan(250);
    expect(fastest(1_000_000)).toBeLessThan(2_000);
  });
});

describe('secretsFromEnv', () => {
  it("takes riskgate's secrets, any setting named like one, and passwords inside URLs", () => {
    const secrets = secretsFromEnv({
      ANTHROPIC_API_KEY: 'sk-ant-x',
      WEBHOOK_SECRET: 'hook',
      'INPUT_GITHUB-TOKEN': 'ghs_x',
      'INPUT_ANTHROPIC-API-KEY': 'sk-input',
      DASHBOARD_TOKEN: 'dash',
      RISKGATE_STATE_KEY: 'mac',
      DATABASE_URL: 'postgres://u:p%40ss@h/db',
      PATH: '/usr/bin',
      LOG_MESSAGE_KEY: 'message',
      PRIVATE_KEY_PATH: '/keys/app.pem',
    });
    expect(secrets.map((s) => s.name).sort()).toEqual(['ANTHROPIC_API_KEY', 'DASHBOARD_TOKEN', 'DATABASE_URL password', 'INPUT_ANTHROPIC-API-KEY', 'INPUT_GITHUB-TOKEN', 'RISKGATE_STATE_KEY', 'WEBHOOK_SECRET']);
    expect(secrets.find((s) => s.name === 'DATABASE_URL password')?.value).toBe('p@ss');
  });

  it('takes the alert webhook URL whole and passwords in declared provider endpoints', () => {
    const secrets = secretsFromEnv({
      RISKGATE_ALERT_WEBHOOK_URL: 'https://hooks.slack.test/services/T0/B0/abc',
      RISKGATE_PROVIDER_LOCAL_BASE_URL: 'http://me:hunter2@127.0.0.1:11434/v1',
      RISKGATE_PROVIDER_AWS_REGION: 'us-east-1',
    });
    expect(secrets).toEqual([
      { name: 'RISKGATE_ALERT_WEBHOOK_URL', value: 'https://hooks.slack.test/services/T0/B0/abc' },
      { name: 'RISKGATE_PROVIDER_LOCAL_BASE_URL password', value: 'hunter2' },
    ]);
  });

  it("takes each declared provider's API key and the password inside its base URL", () => {
    const secrets = secretsFromEnv({
      RISKGATE_PROVIDERS: 'local,aws',
      RISKGATE_PROVIDER_LOCAL_BASE_URL: 'http://user:vllm-pass-123@10.0.0.5:8000/v1',
      RISKGATE_PROVIDER_LOCAL_API_KEY: 'local-key-456',
      RISKGATE_PROVIDER_AWS_REGION: 'us-east-1',
      AWS_SECRET_ACCESS_KEY: 'aws-secret-789',
    });
    expect(secrets.map((s) => [s.name, s.value]).sort()).toEqual([
      ['AWS_SECRET_ACCESS_KEY', 'aws-secret-789'],
      ['RISKGATE_PROVIDER_LOCAL_API_KEY', 'local-key-456'],
      ['RISKGATE_PROVIDER_LOCAL_BASE_URL password', 'vllm-pass-123'],
    ]);
  });
});
