import { describe, expect, it } from 'vitest';
import { tableSection } from '../../src/adapters/slack/blocks.ts';
import { capCsv, csvField, toCsv } from '../../src/commands/render/csv.ts';
import { toTable } from '../../src/commands/render/table.ts';

describe('CSV formula injection', () => {
  it.each([
    ['=', '=HYPERLINK("http://evil")', `"'=HYPERLINK(""http://evil"")"`],
    ['+', '+cmd|calc', "'+cmd|calc"],
    ['-', '-2+3+cmd|calc', "'-2+3+cmd|calc"],
    ['@', '@SUM(A1)', "'@SUM(A1)"],
    ['tab', '\t=1', "'\t=1"],
    ['carriage return', '\r=1', `"'\r=1"`],
    ['a negative number stays a number', '-5', '-5'],
    ['a signed decimal with exponent stays a number', '+1.5e3', '+1.5e3'],
    ['ordinary text', 'hello', 'hello'],
  ])('%s', (_name, value, want) => {
    expect(csvField(value)).toBe(want);
  });
});

describe('capCsv', () => {
  const table = toTable(Array.from({ length: 100 }, (_, i) => ({ id: i, note: `line\r\n${i}, "quoted"` })));
  const csv = toCsv(table);

  it('keeps a CSV that fits', () => {
    const c = capCsv(csv, 1e9);
    expect(c).toMatchObject({ cut: false, rows: 100, totalRows: 100 });
    expect(c.data.toString('utf8')).toBe(csv);
  });

  it('cuts at a row boundary, never inside a quoted field holding CRLF', () => {
    const c = capCsv(csv, 500);
    expect(c.cut).toBe(true);
    expect(c.data.length).toBeLessThanOrEqual(500);
    expect(c.totalRows).toBe(100);
    const text = c.data.toString('utf8');
    expect(text.endsWith('\r\n')).toBe(true);
    expect(csv.startsWith(text)).toBe(true);
    expect(text.split('"quoted"').length - 1).toBe(c.rows);
  });
});

describe('Slack table block', () => {
  it('a cell holding ``` cannot close the code block early', () => {
    const { blocks } = tableSection(toTable([{ cell: 'a ``` b', next: '*bold* outside?' }]));
    const text = (blocks[0] as unknown as { text: { text: string } }).text.text;
    expect(text.match(/```/g)).toHaveLength(2);
  });
});

describe("Discord attachments stay within one message's limits", () => {
  it('a file over 10 MiB is left out and named in the message', async () => {
    const { renderReply } = await import('../../src/adapters/discord/render.ts');
    const big = new Uint8Array(11 * 1024 ** 2);
    const body = renderReply({
      text: 'files',
      blocks: [],
      files: [
        { name: 'big.bin', mime: 'application/octet-stream', content: big },
        { name: 'small.txt', mime: 'text/plain', content: 'hi' },
      ],
    });
    expect(body.files.map((f) => f.name)).toEqual(['small.txt']);
    expect(body.content).toMatch(/big\.bin is left out/);
  });
});
