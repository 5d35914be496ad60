/**
 * Public API of the Ouro client: `createOuroClient(opts)` returns one object grouping the
 * resources the bridge uses (docs/ouro-api.md §9). Every method takes an optional
 * AbortSignal (combined with the per-call timeout) and rejects with an `OuroError`
 * subclass (see ./errors.ts). This module only re-exports: the client's modules import
 * ./client-types.ts and ./types.ts directly, so nothing imports back into it.
 */
export type * from './client-types.ts';
export type * from './types.ts';
export * from './errors.ts';
export { createOuroClient } from './client.ts';
export { markdownToDoc } from './convert/markdown-to-doc.ts';
