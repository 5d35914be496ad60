import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { warnAboutAllowedOrgs } from '../../src/allowed-orgs.ts';
import { createLogger } from '../../src/log.ts';
import { createOuroClient, type OuroClient } from '../../src/ouro/index.ts';
import { withSandbox } from '../helpers/sandbox.ts';

/** OURO_ALLOWED_ORGS at start, against the demo seed (the bot belongs to "Ouro Lab" and "Helix Materials"). */
const sandbox = withSandbox({ seed: 'demo' });
let ouro: OuroClient;
beforeAll(() => {
  ouro = createOuroClient({ baseUrl: sandbox().url, apiKey: sandbox().apiKey, retries: 0 });
});
afterAll(async () => {
  await ouro?.close();
});

async function warnings(allowed: string[]): Promise<{ msg: string; orgs?: string[]; unknown?: string[] }[]> {
  const out = new PassThrough();
  let text = '';
  out.on('data', (c: Buffer) => (text += c.toString('utf8')));
  await warnAboutAllowedOrgs(ouro, allowed, createLogger({ level: 'info', destination: out }));
  return text
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l));
}

describe('OURO_ALLOWED_ORGS at start', () => {
  it('warns when unset and the bot belongs to more than one org, naming them', async () => {
    const [line, ...rest] = await warnings([]);
    expect(rest).toEqual([]);
    expect(line!.msg).toContain('OURO_ALLOWED_ORGS is not set');
    expect(line!.orgs).toEqual(expect.arrayContaining([expect.stringContaining('Ouro Lab'), expect.stringContaining('Helix Materials')]));
  });

  it('is quiet when set to orgs the bot belongs to, and names those it does not', async () => {
    expect(await warnings(['Ouro Lab'])).toEqual([]);
    const [line] = await warnings(['Ouro Lab', 'Nowhere Inc']);
    expect(line!.unknown).toEqual(['Nowhere Inc']);
  });
});
