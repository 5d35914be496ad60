import { afterAll, beforeAll } from 'vitest';
import { startSandbox, type Sandbox, type SandboxOptions } from '../../src/sandbox/index.ts';

/**
 * Starts an Ouro sandbox for the current test file (in `beforeAll`) and closes it in
 * `afterAll`. Dataset tables go to PostgreSQL when TEST_DATABASE_URL is set (the sandbox
 * makes and drops its own schema), else to embedded PGlite. Call the returned getter inside
 * tests: `const sandbox = withSandbox({ seed: 'demo' }); … sandbox().url`.
 */
export function withSandbox(opts: SandboxOptions = {}): () => Sandbox {
  let sandbox: Sandbox | undefined;
  beforeAll(async () => {
    sandbox = await startSandbox({ databaseUrl: process.env.TEST_DATABASE_URL, ...opts });
  });
  afterAll(async () => {
    await sandbox?.close();
  });
  return () => {
    if (!sandbox) throw new Error('the sandbox is not started yet: call the getter inside a test or hook');
    return sandbox;
  };
}

/** Exchanges the sandbox's API key (or `apiKey`) for an access token, the way a client does. */
export async function sandboxToken(sandbox: Sandbox, apiKey = sandbox.apiKey): Promise<string> {
  const res = await fetch(`${sandbox.url}/users/get-token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ pat: apiKey }),
  });
  const body = (await res.json()) as { access_token?: string };
  if (!res.ok || !body.access_token) throw new Error(`token exchange failed: ${res.status} ${JSON.stringify(body)}`);
  return body.access_token;
}

export interface RawReply {
  status: number;
  headers: Headers;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read arbitrary JSON
  body: any;
}

/** A plain fetch against the sandbox with the raw token in `Authorization` (no Bearer), as Ouro expects. */
export async function ouroFetch(sandbox: Sandbox, token: string | undefined, method: string, path: string, body?: unknown): Promise<RawReply> {
  const headers: Record<string, string> = {};
  if (token) headers.authorization = token;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`${sandbox.url}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // non-JSON bodies (post downloads) stay text
  }
  return { status: res.status, headers: res.headers, body: parsed };
}
