import type { Logger } from '../log.ts';
import type { Engine } from './engine.ts';
import type { Db } from './schema.ts';

/** What every query module gets: the database, which engine it is, a log and the clock. */
export interface StoreContext {
  readonly db: Db;
  readonly engine: Engine;
  readonly log: Logger;
  now(): number;
}

/** Bad input to the store is a programming error upstream; say exactly what was wrong. */
export class StoreInputError extends TypeError {
  override name = 'StoreInputError';
}

export function requireText(what: string, value: unknown): string {
  if (typeof value !== 'string' || value === '') {
    throw new StoreInputError(`${what}: expected a non-empty string, got ${JSON.stringify(value)}`);
  }
  return value;
}

/** Like requireText but '' is allowed (the thread of a channel's top level). */
export function requireString(what: string, value: unknown): string {
  if (typeof value !== 'string') throw new StoreInputError(`${what}: expected a string, got ${JSON.stringify(value)}`);
  return value;
}

export function requireInt(what: string, value: unknown, min: number): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min) {
    throw new StoreInputError(`${what}: expected an integer ≥ ${min}, got ${JSON.stringify(value)}`);
  }
  return value;
}

export function optionalText(what: string, value: unknown): string | null {
  if (value === null || value === undefined) return null;
  return requireString(what, value);
}

const PLATFORMS = new Set(['slack', 'discord', 'console']);

export function requirePlatform(value: unknown): void {
  if (typeof value !== 'string' || !PLATFORMS.has(value)) {
    throw new StoreInputError(`platform: expected slack, discord or console, got ${JSON.stringify(value)}`);
  }
}
