import { AnthropicBedrock } from '@anthropic-ai/bedrock-sdk';
import { describe, expect, it } from 'vitest';
import { bedrockProvider } from '../../src/model/bedrock-model.js';
import type { ProviderSettings } from '../../src/model/provider-settings.js';
import { describeClaudeProvider, failure, findingsCall } from '../support/claude-provider-contract.js';

const MODEL = 'us.anthropic.claude-sonnet-5-5-v1:0';
const REGION = 'eu-west-1';
// Keys as `aws-actions/configure-aws-credentials` exports them after its OIDC exchange.
const AWS_ENV = { AWS_ACCESS_KEY_ID: 'ASIATESTACCESSKEY', AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYsecretkey', AWS_SESSION_TOKEN: 'IQoJb3JpZ2luX2VjEsessiontoken0123456789' };
const settings = (url: string, extra: Partial<ProviderSettings> = {}): ProviderSettings => ({ name: 'aws', type: 'bedrock', baseURL: url, region: REGION, maxRetries: 2, ...extra });

const server = describeClaudeProvider('bedrock', {
  dialect: 'bedrock',
  // The server recomputes every signature with these secrets: a header changed after signing fails.
  serverOptions: { region: REGION, awsSecretKeys: { [AWS_ENV.AWS_ACCESS_KEY_ID]: AWS_ENV.AWS_SECRET_ACCESS_KEY, AKIACHAINKEY: 'chain-secret-key-000', AKIAPLAIN: 'plain-secret-000' } },
  modelId: MODEL,
  makeModel: (s, maxRetries = 2) => bedrockProvider(settings(s.url, { maxRetries }), AWS_ENV),
  secrets: [AWS_ENV.AWS_SECRET_ACCESS_KEY, AWS_ENV.AWS_SESSION_TOKEN],
  busy: [
    [429, 'rate_limited'],
    [503, 'server_error'],
    [500, 'server_error'],
    [408, 'timeout'],
  ],
  streamError: ['throttlingException', 'rate_limited'],
});

describe('bedrockProvider', () => {
  it('calls InvokeModelWithResponseStream with the model in the path, signed with SigV4 for its region', async () => {
    await bedrockProvider(settings(server.url), AWS_ENV).ask(findingsCall(MODEL));
    const request = server.requests[0]!;
    expect(request.path).toBe(`/model/${MODEL}/invoke-with-response-stream`);
    expect(request.sigv4).toMatchObject({ accessKeyId: AWS_ENV.AWS_ACCESS_KEY_ID, region: REGION });
    expect(request.sigv4!.signedHeaders).toEqual(expect.arrayContaining(['host', 'x-amz-date', 'x-amz-security-token']));
    expect(request.headers['x-amz-security-token']).toBe(AWS_ENV.AWS_SESSION_TOKEN);
    expect(request.body).not.toHaveProperty('model');
    expect(request.body).not.toHaveProperty('stream');
    expect(typeof request.body.anthropic_version).toBe('string');
  });

  it('takes its credentials from the default chain when the environment it is given has none', async () => {
    const saved = { ...process.env };
    Object.assign(process.env, { AWS_ACCESS_KEY_ID: 'AKIACHAINKEY', AWS_SECRET_ACCESS_KEY: 'chain-secret-key-000' });
    delete process.env.AWS_SESSION_TOKEN;
    delete process.env.AWS_PROFILE;
    try {
      await bedrockProvider(settings(server.url), {}).ask(findingsCall(MODEL));
    } finally {
      for (const key of ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY']) {
        if (saved[key] === undefined) delete process.env[key];
        else process.env[key] = saved[key];
      }
    }
    expect(server.requests[0]!.sigv4?.accessKeyId).toBe('AKIACHAINKEY');
  });

  it('is refused when the signature does not match (a wrong secret key)', async () => {
    const error = await failure(bedrockProvider(settings(server.url, { maxRetries: 0 }), { ...AWS_ENV, AWS_SECRET_ACCESS_KEY: 'not-the-secret-key-000' }).ask(findingsCall(MODEL)));
    expect(error.kind).toBe('auth');
    expect(error.message).toMatch(/SignatureDoesNotMatch/);
    expect(error.message).not.toContain('not-the-secret-key-000');
  });

  it("tells Bedrock's prompt-too-long ValidationException from other bad requests", async () => {
    server.respond = () => ({ status: 400, message: 'Input is too long for requested model.' });
    expect((await failure(bedrockProvider(settings(server.url), AWS_ENV).ask(findingsCall(MODEL)))).kind).toBe('prompt_too_long');
    server.respond = () => ({ status: 400, message: 'Malformed input request: extraneous key [foo] is not permitted' });
    expect((await failure(bedrockProvider(settings(server.url), AWS_ENV).ask(findingsCall(MODEL)))).kind).toBe('bad_request');
  });

  it('sends a Bedrock API key as a bearer token instead of signing', async () => {
    await bedrockProvider(settings(server.url, { apiKey: 'bedrock-api-key-0123456789' }), AWS_ENV).ask(findingsCall(MODEL));
    expect(server.requests[0]!.headers.authorization).toBe('Bearer bedrock-api-key-0123456789');
    expect(server.requests[0]!.sigv4).toBeUndefined();
  });

  it('takes the region from AWS_REGION, and refuses to start without one, naming the variables', async () => {
    const model = bedrockProvider(settings(server.url, { region: undefined }), { ...AWS_ENV, AWS_REGION: REGION });
    await model.ask(findingsCall(MODEL));
    expect(server.requests[0]!.sigv4?.region).toBe(REGION);
    expect(() => bedrockProvider(settings(server.url, { region: undefined }), AWS_ENV)).toThrow(/RISKGATE_PROVIDER_AWS_REGION or AWS_REGION/);
  });

  it('is refused when signed for another region (the server checks the credential scope)', async () => {
    const error = await failure(bedrockProvider(settings(server.url, { region: 'us-east-1', maxRetries: 0 }), AWS_ENV).ask(findingsCall(MODEL)));
    expect(error.kind).toBe('auth');
    expect(error.message).toMatch(/signed for us-east-1/);
  });

  it('the server also answers InvokeModel (not streamed), as the SDK reads it', async () => {
    const client = new AnthropicBedrock({ awsRegion: REGION, baseURL: server.url, awsAccessKey: 'AKIAPLAIN', awsSecretKey: 'plain-secret-000', awsSessionToken: null });
    const message = await client.messages.create({ model: MODEL, max_tokens: 100, messages: [{ role: 'user', content: 'hi' }] });
    expect(server.requests[0]!.path).toBe(`/model/${MODEL}/invoke`);
    expect(message.content[0]).toMatchObject({ type: 'text' });
    expect(message.usage.input_tokens).toBeGreaterThan(0);
  });
});
