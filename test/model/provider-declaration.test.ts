import { describe, expect, it } from 'vitest';
import { ProviderDeclarationError, readProviderDeclaration } from '../../src/model/provider-declaration.js';

function problems(env: Record<string, string>): readonly string[] {
  try {
    readProviderDeclaration(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ProviderDeclarationError);
    return (error as ProviderDeclarationError).problems;
  }
  throw new Error('expected the declaration to be rejected');
}

describe('readProviderDeclaration', () => {
  it('reads each declared provider with its settings, and anthropic from ANTHROPIC_API_KEY', () => {
    const providers = readProviderDeclaration({
      RISKGATE_PROVIDERS: 'local, aws,my-vertex',
      RISKGATE_PROVIDER_LOCAL_TYPE: 'openai-compatible',
      RISKGATE_PROVIDER_LOCAL_BASE_URL: 'http://127.0.0.1:11434/v1',
      RISKGATE_PROVIDER_LOCAL_MAX_RETRIES: '0',
      RISKGATE_PROVIDER_AWS_TYPE: 'bedrock',
      AWS_REGION: 'eu-west-1',
      RISKGATE_PROVIDER_MY_VERTEX_TYPE: 'vertex',
      RISKGATE_PROVIDER_MY_VERTEX_REGION: 'us-east5',
      GOOGLE_CLOUD_PROJECT: 'proj-1',
      ANTHROPIC_API_KEY: 'sk-ant-test-key-123',
      ANTHROPIC_BASE_URL: 'http://127.0.0.1:9/',
    });
    expect([...providers.keys()]).toEqual(['local', 'aws', 'my-vertex', 'anthropic']);
    expect(providers.get('local')).toEqual({ name: 'local', type: 'openai-compatible', baseURL: 'http://127.0.0.1:11434/v1', maxRetries: 0 });
    expect(providers.get('aws')).toEqual({ name: 'aws', type: 'bedrock', region: 'eu-west-1' });
    expect(providers.get('my-vertex')).toEqual({ name: 'my-vertex', type: 'vertex', region: 'us-east5', project: 'proj-1' });
    expect(providers.get('anthropic')).toEqual({ name: 'anthropic', type: 'anthropic', apiKey: 'sk-ant-test-key-123', baseURL: 'http://127.0.0.1:9/' });
  });

  it('declares nothing without variables, and a declared anthropic replaces the implicit one', () => {
    expect(readProviderDeclaration({}).size).toBe(0);
    const providers = readProviderDeclaration({
      RISKGATE_PROVIDERS: 'anthropic',
      RISKGATE_PROVIDER_ANTHROPIC_TYPE: 'anthropic',
      RISKGATE_PROVIDER_ANTHROPIC_API_KEY: 'declared-key-456',
      ANTHROPIC_API_KEY: 'implicit-key-789',
    });
    expect(providers.get('anthropic')).toEqual({ name: 'anthropic', type: 'anthropic', apiKey: 'declared-key-456' });
  });

  it('names every wrong variable at once, in the order of the list, with what is allowed', () => {
    const found = problems({
      RISKGATE_PROVIDERS: 'local,aws,gcp,Bad_Name,local',
      RISKGATE_PROVIDER_LOCAL_TYPE: 'ollama',
      RISKGATE_PROVIDER_AWS_TYPE: 'bedrock',
      RISKGATE_PROVIDER_AWS_PROJECT: 'p',
      RISKGATE_PROVIDER_AWS_MAX_RETRIES: '11',
      RISKGATE_PROVIDER_AWS_BASE_URL: 'file:///etc/passwd',
      RISKGATE_PROVIDER_LOACL_BASE_URL: 'http://x',
    });
    expect(found).toEqual([
      'RISKGATE_PROVIDER_LOCAL_TYPE: "ollama" is not a provider type (anthropic, bedrock, vertex, foundry, openai-compatible)',
      'RISKGATE_PROVIDER_AWS_PROJECT: a bedrock provider does not take this setting (it takes RISKGATE_PROVIDER_AWS_TYPE, RISKGATE_PROVIDER_AWS_BASE_URL, RISKGATE_PROVIDER_AWS_API_KEY, RISKGATE_PROVIDER_AWS_REGION, RISKGATE_PROVIDER_AWS_MAX_RETRIES)',
      'RISKGATE_PROVIDER_AWS_REGION is not set: a bedrock provider needs it (or AWS_REGION, AWS_DEFAULT_REGION)',
      'RISKGATE_PROVIDER_AWS_BASE_URL: not an http(s) URL',
      'RISKGATE_PROVIDER_AWS_MAX_RETRIES: "11" is not a whole number from 0 to 10',
      'RISKGATE_PROVIDER_GCP_TYPE is not set: provider "gcp" needs a type (anthropic, bedrock, vertex, foundry, openai-compatible)',
      'RISKGATE_PROVIDERS: "Bad_Name" is not a provider name (lower-case letters, digits and "-", starting with a letter, at most 32)',
      'RISKGATE_PROVIDERS: "local" is listed twice',
      expect.stringMatching(/^RISKGATE_PROVIDER_LOACL_BASE_URL: no provider in RISKGATE_PROVIDERS \(local, aws, gcp\) has this setting/),
    ]);
  });

  it('requires what each type needs', () => {
    expect(problems({ RISKGATE_PROVIDERS: 'a', RISKGATE_PROVIDER_A_TYPE: 'openai-compatible' })).toEqual([
      'RISKGATE_PROVIDER_A_BASE_URL is not set: an openai-compatible provider needs it',
    ]);
    expect(problems({ RISKGATE_PROVIDERS: 'v', RISKGATE_PROVIDER_V_TYPE: 'vertex', RISKGATE_PROVIDER_V_API_KEY: 'k' })).toEqual([
      expect.stringMatching(/^RISKGATE_PROVIDER_V_API_KEY: a vertex provider does not take this setting/),
      'RISKGATE_PROVIDER_V_REGION is not set: a vertex provider needs it (or CLOUD_ML_REGION)',
      'RISKGATE_PROVIDER_V_PROJECT is not set: a vertex provider needs it (or ANTHROPIC_VERTEX_PROJECT_ID, GOOGLE_CLOUD_PROJECT)',
    ]);
    expect(problems({ RISKGATE_PROVIDERS: 'x', RISKGATE_PROVIDER_X_TYPE: 'anthropic' })).toEqual(['RISKGATE_PROVIDER_X_API_KEY is not set: an anthropic provider needs it']);
  });

  it('says the declaration is wrong in its message and never echoes a key', () => {
    const env = { RISKGATE_PROVIDERS: 'x', RISKGATE_PROVIDER_X_TYPE: 'nope', RISKGATE_PROVIDER_X_API_KEY: 'very-secret-value' };
    expect(() => readProviderDeclaration(env)).toThrow(/the model providers declared in the environment are wrong:\n- RISKGATE_PROVIDER_X_TYPE/);
    expect(problems(env).join('\n')).not.toContain('very-secret-value');
  });
});
