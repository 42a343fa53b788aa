import { PROVIDER_TYPES, type ProviderSettings, type ProviderType } from './provider-settings.js';

// The operator's declaration of model providers, read from the environment only: a repository's
// config picks models by name, never where they are served from or with which credentials.

export const PROVIDERS_VARIABLE = 'RISKGATE_PROVIDERS';
export const PROVIDER_PREFIX = 'RISKGATE_PROVIDER_';
/** The provider that exists without a declaration when ANTHROPIC_API_KEY is set. */
export const DEFAULT_PROVIDER = 'anthropic';
export const MAX_PROVIDER_RETRIES = 10;

const SETTINGS = ['TYPE', 'BASE_URL', 'API_KEY', 'REGION', 'PROJECT', 'MAX_RETRIES'] as const;
type Setting = (typeof SETTINGS)[number];

// What each type needs and takes; a setting a type does not take is an error (a typo, or the
// operator believing a key is used that is not).
const REQUIRED: Record<ProviderType, readonly Setting[]> = {
  anthropic: ['API_KEY'],
  bedrock: ['REGION'],
  vertex: ['REGION', 'PROJECT'],
  foundry: ['BASE_URL'],
  'openai-compatible': ['BASE_URL'],
};
const TAKES: Record<ProviderType, readonly Setting[]> = {
  anthropic: ['TYPE', 'BASE_URL', 'API_KEY', 'MAX_RETRIES'],
  bedrock: ['TYPE', 'BASE_URL', 'API_KEY', 'REGION', 'MAX_RETRIES'],
  vertex: ['TYPE', 'BASE_URL', 'REGION', 'PROJECT', 'MAX_RETRIES'],
  foundry: ['TYPE', 'BASE_URL', 'API_KEY', 'MAX_RETRIES'],
  'openai-compatible': ['TYPE', 'BASE_URL', 'API_KEY', 'MAX_RETRIES'],
};
// Where the clouds' own tools keep a setting: used when the declaration leaves it out.
const ENV_DEFAULTS: Partial<Record<ProviderType, Partial<Record<Setting, readonly string[]>>>> = {
  bedrock: { REGION: ['AWS_REGION', 'AWS_DEFAULT_REGION'] },
  vertex: { REGION: ['CLOUD_ML_REGION'], PROJECT: ['ANTHROPIC_VERTEX_PROJECT_ID', 'GOOGLE_CLOUD_PROJECT'] },
};

const withArticle = (type: string) => `${/^[aeiou]/.test(type) ? 'an' : 'a'} ${type}`;

const NAME = /^[a-z][a-z0-9-]{0,31}$/;

export type Env = Readonly<Record<string, string | undefined>>;

/** Every wrong variable of a declaration, one line each, so the operator fixes them in one go. */
export class ProviderDeclarationError extends Error {
  override name = 'ProviderDeclarationError';
  constructor(readonly problems: readonly string[]) {
    super(`the model providers declared in the environment are wrong:\n${problems.map((p) => `- ${p}`).join('\n')}`);
  }
}

/** `local-llm` -> `LOCAL_LLM`: how a name appears inside the variables' names. */
export function variableStem(name: string): string {
  return `${PROVIDER_PREFIX}${name.toUpperCase().replaceAll('-', '_')}_`;
}

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}

const value = (env: Env, name: string): string | undefined => {
  const v = env[name]?.trim();
  return v ? v : undefined;
};

/**
 * The providers the environment declares, by name. `anthropic` exists without a declaration when
 * ANTHROPIC_API_KEY is set (ANTHROPIC_BASE_URL as before); declaring `anthropic` replaces it.
 * Throws ProviderDeclarationError naming every wrong variable.
 */
export function readProviderDeclaration(env: Env): Map<string, ProviderSettings> {
  const problems: string[] = [];
  const providers = new Map<string, ProviderSettings>();
  const list = value(env, PROVIDERS_VARIABLE);
  const names = list === undefined ? [] : list.split(',').map((n) => n.trim());

  const seen = new Set<string>();
  for (const name of names) {
    if (!NAME.test(name)) {
      problems.push(`${PROVIDERS_VARIABLE}: "${name}" is not a provider name (lower-case letters, digits and "-", starting with a letter, at most 32)`);
      continue;
    }
    if (seen.has(name)) {
      problems.push(`${PROVIDERS_VARIABLE}: "${name}" is listed twice`);
      continue;
    }
    seen.add(name);
    const stem = variableStem(name);
    const get = (setting: Setting) => value(env, `${stem}${setting}`);
    const type = get('TYPE');
    if (type === undefined) {
      problems.push(`${stem}TYPE is not set: provider "${name}" needs a type (${PROVIDER_TYPES.join(', ')})`);
      continue;
    }
    if (!(PROVIDER_TYPES as readonly string[]).includes(type)) {
      problems.push(`${stem}TYPE: "${type}" is not a provider type (${PROVIDER_TYPES.join(', ')})`);
      continue;
    }
    const providerType = type as ProviderType;
    const resolved = (setting: Setting) => get(setting) ?? ENV_DEFAULTS[providerType]?.[setting]?.map((v) => value(env, v)).find((v) => v !== undefined);
    for (const setting of SETTINGS) {
      if (get(setting) !== undefined && !TAKES[providerType].includes(setting)) {
        problems.push(`${stem}${setting}: ${withArticle(providerType)} provider does not take this setting (it takes ${TAKES[providerType].map((s) => `${stem}${s}`).join(', ')})`);
      }
    }
    for (const setting of REQUIRED[providerType]) {
      if (resolved(setting) === undefined) {
        const fallbacks = ENV_DEFAULTS[providerType]?.[setting];
        problems.push(`${stem}${setting} is not set: ${withArticle(providerType)} provider needs it${fallbacks ? ` (or ${fallbacks.join(', ')})` : ''}`);
      }
    }
    const baseURL = get('BASE_URL');
    if (baseURL !== undefined && !isHttpUrl(baseURL)) problems.push(`${stem}BASE_URL: not an http(s) URL`);
    const retries = get('MAX_RETRIES');
    let maxRetries: number | undefined;
    if (retries !== undefined) {
      maxRetries = Number(retries);
      if (!/^\d+$/.test(retries) || maxRetries > MAX_PROVIDER_RETRIES) problems.push(`${stem}MAX_RETRIES: "${retries}" is not a whole number from 0 to ${MAX_PROVIDER_RETRIES}`);
    }
    const settings: ProviderSettings = { name, type: providerType };
    if (baseURL !== undefined) settings.baseURL = baseURL;
    const apiKey = get('API_KEY');
    if (apiKey !== undefined) settings.apiKey = apiKey;
    const region = resolved('REGION');
    if (region !== undefined && TAKES[providerType].includes('REGION')) settings.region = region;
    const project = resolved('PROJECT');
    if (project !== undefined && TAKES[providerType].includes('PROJECT')) settings.project = project;
    if (maxRetries !== undefined) settings.maxRetries = maxRetries;
    providers.set(name, settings);
  }

  // A variable for a name not in the list is a typo (or a provider someone forgot to list).
  const stems = [...seen].map(variableStem);
  for (const variable of Object.keys(env).sort()) {
    if (!variable.startsWith(PROVIDER_PREFIX) || value(env, variable) === undefined) continue;
    if (stems.some((stem) => variable.startsWith(stem) && (SETTINGS as readonly string[]).includes(variable.slice(stem.length)))) continue;
    problems.push(`${variable}: no provider in ${PROVIDERS_VARIABLE} (${[...seen].join(', ') || 'none declared'}) has this setting; settings are ${SETTINGS.map((s) => `${PROVIDER_PREFIX}<NAME>_${s}`).join(', ')}`);
  }
  if (problems.length > 0) throw new ProviderDeclarationError(problems);

  const anthropicKey = value(env, 'ANTHROPIC_API_KEY');
  if (!providers.has(DEFAULT_PROVIDER) && anthropicKey !== undefined) {
    const baseURL = value(env, 'ANTHROPIC_BASE_URL');
    providers.set(DEFAULT_PROVIDER, { name: DEFAULT_PROVIDER, type: 'anthropic', apiKey: anthropicKey, ...(baseURL ? { baseURL } : {}) });
  }
  return providers;
}
