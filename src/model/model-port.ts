import type { RiskgateConfig } from '../config/config-schema.js';
import type { z } from 'zod';

/** Tokens of one model call, by how they are billed. */
export interface Usage {
  inputTokens: number;
  outputTokens: number;
  cacheWrite5mTokens: number;
  cacheWrite1hTokens: number;
  cacheReadTokens: number;
}

export const ZERO_USAGE: Usage = { inputTokens: 0, outputTokens: 0, cacheWrite5mTokens: 0, cacheWrite1hTokens: 0, cacheReadTokens: 0 };

/**
 * One request for structured output. `cachedPrefix` is sent first and marked for caching, so that
 * agents of one run that share it pay for it once; `instructions` follow it and differ per agent.
 */
export interface ModelCall<T> {
  model: string;
  cachedPrefix: string[];
  instructions: string;
  /**
   * The answer's shape, sent as the structured-output format. The API holds the model to the shape
   * (types, enums, required keys) but not to the bounds (lengths, item counts, ranges): without
   * `read`, an answer outside any bound is a ModelError.
   */
  schema: z.ZodType<T>;
  /**
   * Reads the answer item by item instead: what it cannot use it drops or repairs and says so, so
   * one bad item does not cost the valid ones. With it, an answer cut off at the output cap is
   * read as far as it went (`cut`) and returned marked `incomplete`.
   */
  read?: AnswerReader<T>;
  maxOutputTokens: number;
  /** The whole call, retries included, ends by then with a `timeout` ModelError. */
  timeoutMs: number;
  signal?: AbortSignal;
  /**
   * Called once when the model begins answering: from then on the cache entry this call wrote is
   * readable, so the run starts the agents that share its prefix.
   */
  onAnswerStarted?: () => void;
}

/** What an item-by-item reader made of an answer. */
export interface AnswerReading<T> {
  output: T;
  /** Items of the answer that could not be used. */
  dropped: number;
  /** What was dropped or repaired and why, one line each (model-written text: untrusted). */
  problems: string[];
}

/**
 * Reads a parsed answer; `cut`: the answer stopped at the output cap, so the item the cut fell in
 * is incomplete. `unusable` when nothing of it can be trusted as an answer at all.
 */
export type AnswerReader<T> = (answer: unknown, cut: boolean) => AnswerReading<T> | { unusable: string };

export interface ModelAnswer<T> {
  output: T;
  /** Set by a call's `read`: items dropped and what was dropped or repaired. */
  dropped?: number;
  problems?: string[];
  /** The answer stopped early (the output cap): `output` holds what was complete before the cut. */
  incomplete?: string;
  usage: Usage;
  model: string;
  latencyMs: number;
  /** Attempts beyond the first (429, 529, 5xx and connection errors are retried). */
  retries: number;
  /** Who answered, as the config names it: set when the call went through a provider chain. */
  route?: AnswerRoute;
}

/** The provider and model that answered a call, and what was tried before them. */
export interface AnswerRoute {
  provider: string;
  /** The config's name of the model that answered (`provider/model`, or a bare Anthropic id as written). */
  model: string;
  /** The chain's entries that were down or skipped first, one line each (`aws/x: overloaded`). */
  fellBackFrom?: string[];
}

export type ModelFailureKind =
  | 'rate_limited'
  | 'overloaded'
  | 'server_error'
  | 'timeout'
  | 'cancelled'
  | 'connection'
  | 'auth'
  | 'bad_request'
  | 'prompt_too_long'
  | 'refused'
  | 'truncated'
  | 'invalid_output';

/**
 * Failures that the content the model was shown caused: it refused to answer it, wrote past the
 * output cap, answered outside the format the API guarantees (steered), or the prompt built from it
 * was too long. riskgate's own requests are the same for every change, so these are the change's
 * doing, and a gate must not pass on them whatever `gate.on_error` says. Everything else (429, 529,
 * 5xx, network, auth, the provider's timeouts, a bad request from riskgate's own config) is an
 * outage or the operator's, which `gate.on_error` governs.
 */
export const CONTENT_FAILURES: ReadonlySet<ModelFailureKind> = new Set(['prompt_too_long', 'refused', 'truncated', 'invalid_output']);

/** A call that produced no usable answer; `kind` lets the run tell outages from bad output. */
export class ModelError extends Error {
  override name = 'ModelError';
  constructor(
    readonly kind: ModelFailureKind,
    message: string,
    readonly usage?: Usage,
    readonly retries = 0,
  ) {
    super(message);
  }
}

/** The port every model provider implements: ask for output matching a schema. */
export interface StructuredModel {
  ask<T>(call: ModelCall<T>): Promise<ModelAnswer<T>>;
  /**
   * A port that serves many repositories (the App, the Action before it reads its config) gives
   * one config's fallback chains here; absent, the port is used as it is.
   */
  withChains?(models: RiskgateConfig['models']): StructuredModel;
}
