/**
 * Ouro API keys at rest: AES-256-GCM (node:crypto) under BRIDGE_SECRET_KEY. A sealed value
 * is `v1.<iv>.<tag>.<ciphertext>` (base64url); the 12-byte IV is random per seal, and the
 * chat identity the key belongs to is bound as additional data, so a sealed key copied onto
 * another person's row does not open.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

const IV_BYTES = 12;

export class SecretBoxError extends Error {
  override readonly name = 'SecretBoxError';
}

/** 32 bytes given as base64 (standard or url) or 64 hex digits; undefined when it is neither. */
export function parseSecretKey(value: string): Buffer | undefined {
  const v = value.trim();
  if (/^[0-9a-f]{64}$/i.test(v)) return Buffer.from(v, 'hex');
  if (/^[A-Za-z0-9+/_-]{43}=?$/.test(v)) {
    const b = Buffer.from(v.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
    return b.length === 32 ? b : undefined;
  }
  return undefined;
}

export interface SecretBox {
  seal(plain: string, boundTo: string): string;
  /** Throws SecretBoxError (no detail: it must not help guess) when the value does not open. */
  open(sealed: string, boundTo: string): string;
}

export function createSecretBox(key: Buffer): SecretBox {
  if (key.length !== 32) throw new SecretBoxError('the secret key must be 32 bytes');
  const k = Buffer.from(key);
  return {
    seal(plain, boundTo) {
      const iv = randomBytes(IV_BYTES);
      const c = createCipheriv('aes-256-gcm', k, iv);
      c.setAAD(Buffer.from(boundTo, 'utf8'));
      const body = Buffer.concat([c.update(plain, 'utf8'), c.final()]);
      return ['v1', iv.toString('base64url'), c.getAuthTag().toString('base64url'), body.toString('base64url')].join('.');
    },
    open(sealed, boundTo) {
      const [v, iv, tag, body] = sealed.split('.');
      if (v !== 'v1' || !iv || !tag || body === undefined) throw new SecretBoxError('not a sealed value');
      try {
        const d = createDecipheriv('aes-256-gcm', k, Buffer.from(iv, 'base64url'));
        d.setAAD(Buffer.from(boundTo, 'utf8'));
        d.setAuthTag(Buffer.from(tag, 'base64url'));
        return Buffer.concat([d.update(Buffer.from(body, 'base64url')), d.final()]).toString('utf8');
      } catch {
        throw new SecretBoxError('the stored key does not open under this BRIDGE_SECRET_KEY');
      }
    },
  };
}
