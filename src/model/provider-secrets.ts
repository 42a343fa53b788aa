import type { NamedSecret } from '../security/redact-secrets.js';
import type { ProviderSettings } from './provider-settings.js';

/** `RISKGATE_PROVIDER_<NAME>_<SETTING>`: the variable a declared provider's setting came from. */
export function settingVariable(settings: Pick<ProviderSettings, 'name'>, setting: string): string {
  return `RISKGATE_PROVIDER_${settings.name.toUpperCase().replace(/-/g, '_')}_${setting}`;
}

export const apiKeySecretName = (settings: Pick<ProviderSettings, 'name'>) => settingVariable(settings, 'API_KEY');

/**
 * The secrets a provider's errors must never show: its API key, a password inside its base URL,
 * and the named variables of `env` its SDK reads credentials from.
 */
export function providerSecrets(settings: ProviderSettings, env: Readonly<Record<string, string | undefined>>, envNames: readonly string[] = []): NamedSecret[] {
  const secrets: NamedSecret[] = [];
  if (settings.apiKey) secrets.push({ name: apiKeySecretName(settings), value: settings.apiKey });
  if (settings.baseURL) {
    try {
      const password = decodeURIComponent(new URL(settings.baseURL).password);
      if (password) secrets.push({ name: settingVariable(settings, 'BASE_URL'), value: password });
    } catch {
      // Not a URL: the declaration's check reports it; nothing inside to hide.
    }
  }
  for (const name of envNames) {
    const value = env[name];
    if (value) secrets.push({ name, value });
  }
  return secrets;
}
