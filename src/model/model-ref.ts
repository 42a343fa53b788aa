import { DEFAULT_PROVIDER } from './provider-declaration.js';

/** A model as the config names it: `provider/model`; a bare id means `anthropic/<id>`. */
export interface ModelRef {
  provider: string;
  /** The provider's own id for the model (may itself hold slashes or dots: `meta/llama-3`, `us.anthropic.claude-…`). */
  model: string;
}

const PROVIDER_PART = /^[a-z][a-z0-9-]{0,31}$/;

/**
 * Splits at the first slash when what comes before it is a provider name. Anything else is a bare
 * id on `anthropic`, which keeps every config written before providers existed meaning what it did.
 */
export function parseModelRef(name: string): ModelRef {
  const slash = name.indexOf('/');
  if (slash > 0 && PROVIDER_PART.test(name.slice(0, slash)) && slash < name.length - 1) {
    return { provider: name.slice(0, slash), model: name.slice(slash + 1) };
  }
  return { provider: DEFAULT_PROVIDER, model: name };
}

/** `provider/model`, the name reports, prices and the ledger use. */
export function formatModelRef(ref: ModelRef): string {
  return `${ref.provider}/${ref.model}`;
}

/** The canonical name of a configured model: `claude-haiku-5-5` and `anthropic/claude-haiku-5-5` are one. */
export function canonicalModelName(name: string): string {
  return formatModelRef(parseModelRef(name));
}

// A Claude id inside a provider's own id: Bedrock's `us.anthropic.claude-sonnet-5-5-v1:0`,
// Vertex's `claude-sonnet-5-5@20261001`. Bounded and anchored on a literal: linear on any input.
const CLAUDE_ID = /claude-[a-z]{1,12}-\d{1,2}(?:-\d{1,2})?/;

/** The Claude model id a provider's id names, if any: priced like Anthropic's own. */
export function claudeIdOf(model: string): string | undefined {
  return CLAUDE_ID.exec(model)?.[0];
}

/**
 * Whether an answer from `answered` stands in for `wanted` as the same model: the same id, or the
 * same Claude id on another provider (`claude-sonnet-5-5` and `aws/us.anthropic.claude-sonnet-5-5-v1:0`).
 * Anything else is another, and for the strong class a weaker, model.
 */
export function sameModel(wanted: string, answered: string): boolean {
  const id = (name: string) => {
    const { model } = parseModelRef(name);
    return claudeIdOf(model) ?? model;
  };
  return id(wanted) === id(answered);
}
