// Random ids for things that are not replayed (API keys, request ids). Replayed ids are
// deterministic: see deterministicUuid in @kush/contracts.
import { randomBytes, randomUUID } from 'node:crypto';

export const newId = (): string => randomUUID();

/** A URL-safe random token of `bytes` bytes of entropy. */
export const newToken = (bytes = 32): string => randomBytes(bytes).toString('base64url');
