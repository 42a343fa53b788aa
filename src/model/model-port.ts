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
  schema: z.ZodType<T>;
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

export interface ModelAnswer<T> {
  output: T;
  usage: Usage;
  model: string;
  latencyMs: number;
  /** Attempts beyond the first (429, 529, 5xx and connection errors are retried). */
  retries: number;
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
  | 'refused'
  | 'truncated'
  | 'invalid_output';

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
}
