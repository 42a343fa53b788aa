import type { StructuredModel } from './model-port.js';

/** The wire protocols riskgate can speak to a model server; one file under src/model/ each. */
export const PROVIDER_TYPES = ['anthropic', 'bedrock', 'vertex', 'foundry', 'openai-compatible'] as const;
export type ProviderType = (typeof PROVIDER_TYPES)[number];

/**
 * One provider as the operator declares it in the environment (`RISKGATE_PROVIDERS=local,aws`, then
 * `RISKGATE_PROVIDER_<NAME>_TYPE`, `_BASE_URL`, `_API_KEY`, `_REGION`, `_PROJECT`). Endpoints and
 * credentials never come from a repository's config: a pull request must not point the gate at a
 * server of its author's choosing.
 */
export interface ProviderSettings {
  /** Lower-case name the config uses before the slash: `local` in `local/qwen2.5-coder`. */
  name: string;
  type: ProviderType;
  baseURL?: string;
  apiKey?: string;
  region?: string;
  project?: string;
  /** Retries after the first attempt for 429, 529, 5xx, timeouts and connection errors. */
  maxRetries?: number;
}

/**
 * Builds the model port for one declared provider. `env` is the process environment the
 * provider's own SDK reads credentials from (AWS's default chain, Google's application-default
 * credentials); a factory reads nothing else from the process.
 */
export type ProviderFactory = (settings: ProviderSettings, env: Readonly<Record<string, string | undefined>>) => StructuredModel;
