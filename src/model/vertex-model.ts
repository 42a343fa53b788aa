import { AnthropicVertex } from '@anthropic-ai/vertex-sdk';
import { GoogleAuth, OAuth2Client } from 'google-auth-library';
import { ClaudeMessagesModel } from './claude-messages-model.js';
import type { ProviderFactory } from './provider-settings.js';
import { providerSecrets, settingVariable } from './provider-secrets.js';

const CLOUD_PLATFORM = 'https://www.googleapis.com/auth/cloud-platform';

/**
 * `vertex`: Claude on Google Vertex AI (rawPredict, streamRawPredict) through
 * @anthropic-ai/vertex-sdk. Credentials are Google's application-default credentials: the file
 * `GOOGLE_APPLICATION_CREDENTIALS` names (a service account key, or the workload identity
 * federation config `google-github-actions/auth` writes, exchanged at Google's STS for a token),
 * then gcloud's, then the metadata server's. An OAuth access token obtained elsewhere can be given
 * instead (`_API_KEY`, else `GOOGLE_OAUTH_ACCESS_TOKEN`); it is sent as it is and never refreshed.
 * Region: `_REGION`, else `CLOUD_ML_REGION`; project: `_PROJECT`, else
 * `ANTHROPIC_VERTEX_PROJECT_ID`, else `GOOGLE_CLOUD_PROJECT`.
 */
export const vertexProvider: ProviderFactory = (settings, env) => {
  const region = settings.region ?? env.CLOUD_ML_REGION;
  const projectId = settings.project ?? env.ANTHROPIC_VERTEX_PROJECT_ID ?? env.GOOGLE_CLOUD_PROJECT;
  const problems = [
    ...(region ? [] : [`a region: ${settingVariable(settings, 'REGION')} or CLOUD_ML_REGION`]),
    ...(projectId ? [] : [`a project: ${settingVariable(settings, 'PROJECT')}, ANTHROPIC_VERTEX_PROJECT_ID or GOOGLE_CLOUD_PROJECT`]),
  ];
  if (!region || !projectId) throw new Error(`provider "${settings.name}" (vertex) needs ${problems.join(' and ')}`);
  const accessToken = settings.apiKey ?? env.GOOGLE_OAUTH_ACCESS_TOKEN;
  return new ClaudeMessagesModel({
    service: 'Vertex AI',
    secrets: providerSecrets(settings, env, ['GOOGLE_OAUTH_ACCESS_TOKEN']),
    client: (fetch) => {
      const common = {
        region,
        projectId,
        // Given, so that the SDK reads no base URL of its own from the process.
        baseURL: settings.baseURL ?? env.ANTHROPIC_VERTEX_BASE_URL ?? defaultBaseURL(region),
        maxRetries: settings.maxRetries ?? 3,
        fetch,
      };
      if (accessToken) {
        const authClient = new OAuth2Client();
        authClient.setCredentials({ access_token: accessToken });
        return new AnthropicVertex({ ...common, authClient });
      }
      const keyFilename = env.GOOGLE_APPLICATION_CREDENTIALS;
      return new AnthropicVertex({ ...common, googleAuth: new GoogleAuth({ scopes: CLOUD_PLATFORM, projectId, ...(keyFilename ? { keyFilename } : {}) }) });
    },
  });
};

/** Vertex's endpoint per region, as the SDK builds it. */
function defaultBaseURL(region: string): string {
  if (region === 'global') return 'https://aiplatform.googleapis.com/v1';
  if (region === 'us' || region === 'eu') return `https://aiplatform.${region}.rep.googleapis.com/v1`;
  return `https://${region}-aiplatform.googleapis.com/v1`;
}
