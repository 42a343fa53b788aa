import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { ModelCall } from '../model/model-port.js';

// Raise when the way a ModelCall becomes an API request changes (src/model/anthropic-model.ts:
// where the cache breakpoint goes, how the schema is sent): answers to the old requests are not reused.
const REQUEST_FORMAT = 1;

/** What a call sends the model: everything an answer depends on. */
export type KeyedRequest = Pick<ModelCall<unknown>, 'model' | 'instructions' | 'schema' | 'maxOutputTokens'> & { cachedPrefix: readonly string[] };

// The JSON Schema sent for each output schema, computed once per schema.
const jsonSchemas = new WeakMap<z.ZodType, unknown>();
const jsonSchemaOf = (schema: z.ZodType) => {
  if (!jsonSchemas.has(schema)) jsonSchemas.set(schema, z.toJSONSchema(schema));
  return jsonSchemas.get(schema);
};

/**
 * The result-cache key of one model call: a hash of the exact request (model, every system block,
 * the instructions, the output schema, the output cap), with the run's random fence boundary taken
 * out. Each text is split at the boundary, so the key says where fences stand without depending on
 * the boundary itself: two requests share a key only when a model would read the same prompt. The
 * pull request's title and description, the diff and the files not shown are all in the prompt, so
 * an answer is reused only for that same prompt; the store adds the repository (scopedResultStore).
 */
export function resultKeyOf(request: KeyedRequest, boundary: string): string {
  const hash = createHash('sha256');
  // Length-prefixed, so no two sequences of parts hash alike, and hashed as UTF-16 code units, so
  // no two strings do (UTF-8 would turn every lone surrogate into the same U+FFFD).
  const add = (text: string) => {
    const parts = text.split(boundary);
    hash.update(`${parts.length}\n`);
    for (const part of parts) hash.update(`${part.length}:`).update(part, 'utf16le');
  };
  hash.update(JSON.stringify([REQUEST_FORMAT, request.model, request.maxOutputTokens, jsonSchemaOf(request.schema), request.cachedPrefix.length]));
  for (const block of request.cachedPrefix) add(block);
  add(request.instructions);
  return hash.digest('hex');
}
