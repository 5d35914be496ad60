import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { looksLikeOuroKey } from '../../src/accounts/key-shape.ts';
import { createSecretBox, parseSecretKey } from '../../src/accounts/secret-box.ts';
import { ConfigError, loadConfig } from '../../src/config.ts';

const bytes = randomBytes(32);

describe('parseSecretKey', () => {
  it.each([
    ['base64', bytes.toString('base64'), true],
    ['base64url', bytes.toString('base64url'), true],
    ['hex', bytes.toString('hex'), true],
    ['hex, upper case', bytes.toString('hex').toUpperCase(), true],
    ['16 bytes', randomBytes(16).toString('base64'), false],
    ['a passphrase', 'correct horse battery staple', false],
    ['63 hex digits', bytes.toString('hex').slice(1), false],
  ])('%s', (_name, value, ok) => {
    const parsed = parseSecretKey(value);
    expect(parsed !== undefined).toBe(ok);
    if (ok) expect(parsed!.equals(bytes)).toBe(true);
  });
});

describe('BRIDGE_SECRET_KEY in config', () => {
  it('is decoded when valid, and a bad value is one clear line naming the variable', () => {
    expect(loadConfig({ BRIDGE_SECRET_KEY: bytes.toString('hex') }).secretKey?.equals(bytes)).toBe(true);
    expect(loadConfig({}).secretKey).toBeUndefined();
    expect(() => loadConfig({ BRIDGE_SECRET_KEY: 'too short' })).toThrow(ConfigError);
    expect(() => loadConfig({ BRIDGE_SECRET_KEY: 'too short' })).toThrow(/^BRIDGE_SECRET_KEY: expected 32 random bytes as base64 or 64 hex digits/);
  });
});

describe('secret box', () => {
  const box = createSecretBox(bytes);
  it('opens what it sealed, for the same person only, and never shows the plain text', () => {
    const sealed = box.seal('ouro-key-123', 'slack:T1:U1');
    expect(sealed).toMatch(/^v1\.[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(sealed).not.toContain('ouro-key-123');
    expect(box.seal('ouro-key-123', 'slack:T1:U1')).not.toBe(sealed); // a fresh IV each time
    expect(box.open(sealed, 'slack:T1:U1')).toBe('ouro-key-123');
    expect(() => box.open(sealed, 'slack:T1:U2')).toThrow(/does not open/);
    expect(() => createSecretBox(randomBytes(32)).open(sealed, 'slack:T1:U1')).toThrow(/does not open/);
    const [v, iv, tag, body] = sealed.split('.');
    const flipped = Buffer.from(body!, 'base64url');
    flipped[0] = flipped[0]! ^ 1;
    expect(() => box.open([v, iv, tag, flipped.toString('base64url')].join('.'), 'slack:T1:U1')).toThrow(/does not open/);
  });
});

describe('looksLikeOuroKey', () => {
  it.each([
    [`key: ${'ab'.repeat(32)}`, true],
    ['ouro_sandbox_demo_bob_0000000000000000000000000000000000000000000000', true],
    ['a commit 3f51409 and a uuid 0193a5c0-0000-7000-8000-000000000012', false],
    [`${'a'.repeat(65)}`, false],
    ['plain words', false],
  ])('%s → %s', (text, want) => expect(looksLikeOuroKey(text)).toBe(want));
});
