import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProviderSettings } from '../../src/model/provider-settings.js';
import { vertexProvider } from '../../src/model/vertex-model.js';
import { describeClaudeProvider, failure, findingsCall } from '../support/claude-provider-contract.js';

const MODEL = 'claude-sonnet-5-5@20261001';
const TOKEN = 'ya29.test-access-token-0123456789';
const settings = (url: string, extra: Partial<ProviderSettings> = {}): ProviderSettings => ({
  name: 'gcp',
  type: 'vertex',
  baseURL: `${url}/v1`,
  region: 'europe-west1',
  project: 'riskgate-test',
  apiKey: TOKEN,
  maxRetries: 2,
  ...extra,
});

const server = describeClaudeProvider('vertex', {
  dialect: 'vertex',
  serverOptions: { accessToken: TOKEN },
  modelId: MODEL,
  makeModel: (s, maxRetries = 2) => vertexProvider(settings(s.url, { maxRetries }), {}),
  secrets: [TOKEN],
  busy: [
    [429, 'rate_limited'],
    [529, 'overloaded'],
    [503, 'server_error'],
  ],
  streamError: ['overloaded_error', 'overloaded'],
});

// Google's STS as workload identity federation uses it: google-github-actions/auth writes an
// external_account file whose token_url is STS; the library trades the GitHub OIDC token for an
// access token there. This one trades the expected subject token for TOKEN.
let sts: Server;
let stsUrl = '';
const exchanges: URLSearchParams[] = [];
beforeAll(async () => {
  sts = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const form = new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
      exchanges.push(form);
      const ok = req.url === '/v1/token' && form.get('subject_token') === 'github-oidc-jwt' && form.get('grant_type') === 'urn:ietf:params:oauth:grant-type:token-exchange';
      res.writeHead(ok ? 200 : 400, { 'content-type': 'application/json' });
      res.end(JSON.stringify(ok ? { access_token: TOKEN, issued_token_type: 'urn:ietf:params:oauth:token-type:access_token', token_type: 'Bearer', expires_in: 3600 } : { error: 'invalid_grant' }));
    });
  });
  await new Promise<void>((resolve) => sts.listen(0, '127.0.0.1', resolve));
  stsUrl = `http://127.0.0.1:${(sts.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => sts.close(() => resolve())));

describe('vertexProvider', () => {
  it('calls streamRawPredict on the project, region and model, with the bearer token and the API version in the body', async () => {
    await vertexProvider(settings(server.url), {}).ask(findingsCall(MODEL));
    const request = server.requests[0]!;
    expect(request.path).toBe(`/v1/projects/riskgate-test/locations/europe-west1/publishers/anthropic/models/${MODEL}:streamRawPredict`);
    expect(request.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(request.headers['anthropic-version']).toBeUndefined();
    expect(typeof request.body.anthropic_version).toBe('string');
    expect(request.body).not.toHaveProperty('model');
  });

  it("uses application-default credentials: a workload identity federation file, exchanged at the token endpoint it names", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'riskgate-adc-'));
    writeFileSync(join(dir, 'oidc-token'), 'github-oidc-jwt');
    const credentials = join(dir, 'credentials.json');
    writeFileSync(
      credentials,
      JSON.stringify({
        type: 'external_account',
        audience: '//iam.googleapis.com/projects/123/locations/global/workloadIdentityPools/github/providers/riskgate',
        subject_token_type: 'urn:ietf:params:oauth:token-type:jwt',
        token_url: `${stsUrl}/v1/token`,
        credential_source: { file: join(dir, 'oidc-token') },
      }),
    );
    const answer = await vertexProvider(settings(server.url, { apiKey: undefined }), { GOOGLE_APPLICATION_CREDENTIALS: credentials }).ask(findingsCall(MODEL));
    expect(answer.output.findings).toHaveLength(1);
    expect(exchanges.at(-1)?.get('subject_token')).toBe('github-oidc-jwt');
    expect(server.requests[0]!.headers.authorization).toBe(`Bearer ${TOKEN}`);
  });

  it('reports credentials that cannot be obtained (a refused token exchange) as auth, not as an outage', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'riskgate-adc-'));
    writeFileSync(join(dir, 'oidc-token'), 'a-token-sts-refuses');
    const credentials = join(dir, 'credentials.json');
    writeFileSync(credentials, JSON.stringify({ type: 'external_account', audience: '//iam.googleapis.com/x', subject_token_type: 'urn:ietf:params:oauth:token-type:jwt', token_url: `${stsUrl}/v1/token`, credential_source: { file: join(dir, 'oidc-token') } }));
    const error = await failure(vertexProvider(settings(server.url, { apiKey: undefined, maxRetries: 0 }), { GOOGLE_APPLICATION_CREDENTIALS: credentials }).ask(findingsCall(MODEL)));
    expect(error.kind).toBe('auth');
    expect(error.message).toMatch(/Vertex AI credentials could not be obtained: .*invalid_grant/);
    expect(server.requests).toHaveLength(0);
  });

  it('looks for credentials again on the next call after none could be found', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'riskgate-adc-'));
    const credentials = join(dir, 'credentials.json');
    const model = vertexProvider(settings(server.url, { apiKey: undefined, maxRetries: 0 }), { GOOGLE_APPLICATION_CREDENTIALS: credentials });
    const error = await failure(model.ask(findingsCall(MODEL)));
    expect(error.kind).toBe('auth');
    expect(error.message).toMatch(/credentials\.json/);
    // The file appears (the auth step ran late): the same model now finds it.
    writeFileSync(join(dir, 'oidc-token'), 'github-oidc-jwt');
    writeFileSync(credentials, JSON.stringify({ type: 'external_account', audience: '//iam.googleapis.com/x', subject_token_type: 'urn:ietf:params:oauth:token-type:jwt', token_url: `${stsUrl}/v1/token`, credential_source: { file: join(dir, 'oidc-token') } }));
    expect((await model.ask(findingsCall(MODEL))).output.findings).toHaveLength(1);
  });

  it('is refused with a wrong token, and says so as an auth failure without the token', async () => {
    const error = await failure(vertexProvider(settings(server.url, { apiKey: 'ya29.wrong-token-9876543210', maxRetries: 0 }), {}).ask(findingsCall(MODEL)));
    expect(error.kind).toBe('auth');
    expect(error.message).not.toContain('ya29.wrong-token');
  });

  it('takes region and project from the environment, and refuses to start without them, naming both', async () => {
    await vertexProvider(settings(server.url, { region: undefined, project: undefined }), { CLOUD_ML_REGION: 'us-east5', GOOGLE_CLOUD_PROJECT: 'other' }).ask(findingsCall(MODEL));
    expect(server.requests[0]!.path).toMatch(/^\/v1\/projects\/other\/locations\/us-east5\//);
    expect(() => vertexProvider(settings(server.url, { region: undefined, project: undefined }), {})).toThrow(/RISKGATE_PROVIDER_GCP_REGION or CLOUD_ML_REGION and a project: RISKGATE_PROVIDER_GCP_PROJECT/);
  });
});
