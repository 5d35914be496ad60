import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/log.ts';
import { createWarnThrottle } from '../../src/log-throttle.ts';

describe('createWarnThrottle', () => {
  it('one line per source per window; the next line after it counts what was left out', () => {
    let out = '';
    const destination = new PassThrough();
    destination.on('data', (c: Buffer) => (out += c.toString()));
    let t = 0;
    const throttle = createWarnThrottle(createLogger({ level: 'info', pretty: false, destination }), 60_000, () => t);
    for (let i = 0; i < 5; i++) throttle.warn('1.2.3.4', { n: i }, 'bad request');
    throttle.warn('5.6.7.8', {}, 'bad request');
    t = 61_000;
    throttle.warn('1.2.3.4', { n: 5 }, 'bad request');
    const lines = out
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.map((l) => [l.source, l.n, l.suppressed])).toEqual([
      ['1.2.3.4', 0, undefined],
      ['5.6.7.8', undefined, undefined],
      ['1.2.3.4', 5, 4],
    ]);
  });
});
