import type { NamedSecret } from './redact-secrets.js';

// The settings whose values are secrets: riskgate's own (ANTHROPIC_API_KEY, WEBHOOK_SECRET,
// PRIVATE_KEY, DASHBOARD_TOKEN, METRICS_TOKEN, GITHUB_TOKEN, the Action's `anthropic-api-key` and
// `github-token` inputs as INPUT_*), and by their name any other: a setting added later, or one of
// the SDKs' (ANTHROPIC_AUTH_TOKEN), is redacted without anyone remembering to list it here.
const SECRET_NAME = /(?:^|[_-])(?:TOKEN|SECRET|PASSWORD|PASSWD|KEY|CREDENTIALS?)$/i;

// Named like a secret, but not one: probot's name for the log's message field.
const NOT_SECRETS = new Set(['LOG_MESSAGE_KEY']);

// Settings that hold a URL whose password is a secret (the URL itself is not).
const URL_SETTINGS = ['DATABASE_URL', 'REDIS_URL', 'ANTHROPIC_BASE_URL', 'GITHUB_API_URL', 'HTTPS_PROXY', 'HTTP_PROXY', 'https_proxy', 'http_proxy'];

function urlPassword(value: string): string | undefined {
  try {
    const url = new URL(value);
    return url.password ? decodeURIComponent(url.password) : undefined;
  } catch {
    return undefined;
  }
}

/** Every secret value in this environment, named by its setting. */
export function secretsFromEnv(env: NodeJS.ProcessEnv): NamedSecret[] {
  const secrets: NamedSecret[] = [];
  for (const [name, value] of Object.entries(env)) {
    if (value && SECRET_NAME.test(name) && !NOT_SECRETS.has(name)) secrets.push({ name, value });
  }
  // A declared provider's endpoint may carry a password too (RISKGATE_PROVIDER_<NAME>_BASE_URL).
  const providerUrls = Object.keys(env).filter((name) => name.startsWith('RISKGATE_PROVIDER_') && name.endsWith('_BASE_URL'));
  for (const name of [...URL_SETTINGS, ...providerUrls]) {
    const password = env[name] ? urlPassword(env[name]) : undefined;
    if (password) secrets.push({ name: `${name} password`, value: password });
  }
  return secrets;
}
