import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { missingNodeFlags, NODE_FLAGS } from '../../src/cli/node-flags.ts';

const ROOT = new URL('../../', import.meta.url);
const read = (file: string) => readFileSync(new URL(file, ROOT), 'utf8');

describe('missingNodeFlags', () => {
  it.each([
    { execArgv: [], nodeOptions: undefined, missing: ['--max-semi-space-size=4'] },
    { execArgv: ['--max-semi-space-size=4'], nodeOptions: undefined, missing: [] },
    { execArgv: [], nodeOptions: '--max-semi-space-size=4', missing: [] },
    { execArgv: [], nodeOptions: '--enable-source-maps  --max_semi_space_size=8', missing: [] },
    { execArgv: ['--max-semi-space-size', '8'], nodeOptions: '', missing: [] },
    { execArgv: ['--max-old-space-size=512', '--import', 'tsx'], nodeOptions: '--max-semi-space', missing: ['--max-semi-space-size=4'] },
  ])('execArgv $execArgv, NODE_OPTIONS $nodeOptions → $missing', ({ execArgv, nodeOptions, missing }) => {
    expect(missingNodeFlags(execArgv, nodeOptions)).toEqual(missing);
  });
});

describe('the launch commands give the flags', () => {
  it('npm start', () => {
    const start = (JSON.parse(read('package.json')) as { scripts: Record<string, string> }).scripts.start!;
    expect(start).toBe(`node ${NODE_FLAGS.join(' ')} bin/ouro-bridge.js start`);
  });

  it("the Docker image's ENTRYPOINT", () => {
    const entry = /^ENTRYPOINT (.+)$/m.exec(read('Dockerfile'))?.[1];
    expect(entry && JSON.parse(entry)).toEqual(['node', ...NODE_FLAGS, 'bin/ouro-bridge.js']);
  });
});
