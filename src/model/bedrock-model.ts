import { AnthropicBedrock } from '@anthropic-ai/bedrock-sdk';
import { ClaudeMessagesModel } from './claude-messages-model.js';
import type { ProviderFactory } from './provider-settings.js';
import { providerSecrets, settingVariable } from './provider-secrets.js';

// Credentials the AWS SDK reads from the environment: never in an error riskgate shows.
const AWS_SECRETS = ['AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_BEARER_TOKEN_BEDROCK'];

/**
 * `bedrock`: Claude on Amazon Bedrock (InvokeModel, InvokeModelWithResponseStream) through
 * @anthropic-ai/bedrock-sdk. Requests are signed with SigV4 from AWS's default credential chain
 * (the environment's keys, then web identity, SSO, profiles, container and instance roles), so the
 * short-lived keys `aws-actions/configure-aws-credentials` exports via OIDC work unchanged. A
 * Bedrock API key (`_API_KEY`, else `AWS_BEARER_TOKEN_BEDROCK`) is sent as a bearer token instead.
 * The region: `_REGION`, else `AWS_REGION`, else `AWS_DEFAULT_REGION`.
 */
export const bedrockProvider: ProviderFactory = (settings, env) => {
  const region = settings.region ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION;
  if (!region) throw new Error(`provider "${settings.name}" (bedrock) needs a region: ${settingVariable(settings, 'REGION')} or AWS_REGION`);
  const apiKey = settings.apiKey ?? env.AWS_BEARER_TOKEN_BEDROCK ?? null;
  const accessKey = env.AWS_ACCESS_KEY_ID;
  const secretKey = env.AWS_SECRET_ACCESS_KEY;
  // Keys in the given environment are used as they are; without them the SDK resolves the default
  // chain (web identity, SSO, profiles, container and instance roles) when it signs.
  const keys = accessKey && secretKey ? { awsAccessKey: accessKey, awsSecretKey: secretKey, awsSessionToken: env.AWS_SESSION_TOKEN ?? null } : undefined;
  return new ClaudeMessagesModel({
    service: 'Bedrock',
    secrets: providerSecrets(settings, env, AWS_SECRETS),
    client: (fetch) => {
      const options = {
        awsRegion: region,
        // Given, so that the SDK reads no base URL of its own from the process.
        baseURL: settings.baseURL ?? env.ANTHROPIC_BEDROCK_BASE_URL ?? `https://bedrock-runtime.${region}.amazonaws.com`,
        // `null`, not undefined: no fallback to the process's AWS_BEARER_TOKEN_BEDROCK.
        apiKey,
        maxRetries: settings.maxRetries ?? 3,
        fetch,
      };
      return keys ? new AnthropicBedrock({ ...options, ...keys }) : new AnthropicBedrock(options);
    },
  });
};
