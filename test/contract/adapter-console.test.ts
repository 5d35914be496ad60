/**
 * The console adapter under the shared adapter contract. The "platform" is the terminal:
 * the harness types lines into a PassThrough input and reads the transcript the adapter
 * printed (parsed with the console's own transcript parser).
 */
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createConsoleAdapter, type ConsoleAdapter } from '../../src/adapters/console/index.ts';
import { parseLine, type ConsoleAction } from '../../src/adapters/console/inbound.ts';
import { DEFAULT_LIMITS, parseTranscript, renderRich, renderTable, type RenderLimits, type TranscriptEntry } from '../../src/adapters/console/render.ts';
import { textReply, type Table } from '../../src/chat/reply.ts';
import { describeAdapterContract, RecordingInbox, waitUntil, type AdapterHarness, type ReceivedOp } from './adapter.contract.ts';

export async function makeConsoleHarness(): Promise<AdapterHarness & { adapter: ConsoleAdapter; transcript(): string; type(line: string): void }> {
  const input = new PassThrough();
  const output = new PassThrough();
  let transcript = '';
  output.on('data', (chunk: Buffer) => (transcript += chunk.toString('utf8')));
  const userName = 'ada';
  const adapter = createConsoleAdapter({ input, output, user: { id: 'U-ada', name: userName }, session: 'contract' });
  const mine = new Set<number>();

  const entries = () => parseTranscript(transcript);
  const type = (text: string) => input.write(`${text.split('\n').join('\\\n')}\n`);
  /** Types a line and waits for the console to acknowledge it; a "! …" answer fails the wait. */
  async function typeAndWait(text: string, match: (e: TranscriptEntry) => boolean): Promise<TranscriptEntry> {
    const before = entries().length;
    const errorsBefore = transcript.split('\n').filter((l) => l.startsWith('! ')).length;
    type(text);
    let found: TranscriptEntry | undefined;
    await waitUntil(
      () => {
        const errors = transcript.split('\n').filter((l) => l.startsWith('! '));
        if (errors.length > errorsBefore) throw new Error(`console refused ${JSON.stringify(text)}: ${errors.at(-1)}`);
        found = entries().slice(before).find(match);
        return found !== undefined;
      },
      5_000,
      () => `no acknowledgement of ${JSON.stringify(text)}; transcript:\n${transcript}`,
    );
    return found!;
  }

  return {
    adapter,
    channel: adapter.channelRef,
    userName,
    transcript: () => transcript,
    type,
    async sendUserMessage(text, opts) {
      const line = opts?.thread ? `>${opts.thread} ${text}` : text;
      const e = await typeAndWait(line, (x) => x.kind === 'message' && x.author === userName && !mine.has(x.n));
      mine.add(e.n);
      return { messageId: String(e.n) };
    },
    async editUserMessage(messageId, text) {
      await typeAndWait(`!edit ${messageId} ${text}`, (x) => x.kind === 'edit' && String(x.n) === messageId);
    },
    async deleteUserMessage(messageId) {
      await typeAndWait(`!delete ${messageId}`, (x) => x.kind === 'delete' && String(x.n) === messageId);
    },
    async invokeCommand(text) {
      const before = transcript.length;
      type(`/ouro ${text}`);
      await waitUntil(
        () => transcript.slice(before).includes(`ran /ouro ${text}`),
        5_000,
        () => transcript,
      );
    },
    received(): ReceivedOp[] {
      return entries()
        .filter((e) => !mine.has(e.n))
        .map((e) => ({
          op: e.kind === 'message' ? 'post' : e.kind,
          ...(e.thread === undefined ? {} : { thread: String(e.thread) }),
          messageId: String(e.n),
          ...(e.kind === 'delete' ? {} : { text: e.text }),
          ...(e.author ? { authorName: e.author } : {}),
          ...(e.visibility ? { visibility: e.visibility } : {}),
        }));
    },
    async close() {
      input.end();
      output.end();
    },
  };
}

describeAdapterContract('console', makeConsoleHarness);

describe('console adapter specifics', () => {
  async function started() {
    const h = await makeConsoleHarness();
    const inbox = new RecordingInbox();
    await h.adapter.start(inbox);
    return { h, inbox };
  }

  it('answers every line it cannot use instead of dropping it', async () => {
    const { h, inbox } = await started();
    const cases: [string, RegExp][] = [
      ['>99 hello', /no message #99/],
      ['!edit 1', /usage: !edit N new text/],
      ['!delete x', /usage: !delete N/],
      ['/giphy cats', /unknown command \/giphy/],
      ['!frobnicate', /unknown console command "!frobnicate"/],
      ['>', /thread reply starts with ">N "/],
    ];
    for (const [line, expected] of cases) {
      const before = h.transcript().length;
      h.type(line);
      await waitUntil(
        () => expected.test(h.transcript().slice(before)),
        2_000,
        () => `${line} → ${h.transcript().slice(before)}`,
      );
    }
    await h.adapter.idle();
    expect(inbox.events).toEqual([]);
    await h.adapter.stop();
  });

  it('refuses to edit a message the bridge wrote, and threads a reply-to-a-reply under its root', async () => {
    const { h, inbox } = await started();
    const root = await h.sendUserMessage('root');
    const posted = await h.adapter.post({ ...h.channel, thread: root.messageId }, { text: 'from ouro', author: { name: 'Alice' } });
    const before = h.transcript().length;
    h.type(`!edit ${posted.messageId} mine now`);
    await waitUntil(() => /was not typed here/.test(h.transcript().slice(before)));
    const reply = await h.sendUserMessage('reply to the reply', { thread: posted.messageId });
    const e = await inbox.waitFor('message.posted', (m) => m.messageId === reply.messageId);
    expect(e.ref.thread).toBe(root.messageId);
    await h.adapter.stop();
  });

  it('prints tables aligned with "showing N of M rows" and lets a person press a button', async () => {
    const { h, inbox } = await started();
    await h.invokeCommand('query x');
    const cmd = await inbox.waitFor('command.invoked');
    await h.adapter.reply(
      cmd.replyTo,
      {
        text: 'result',
        blocks: [
          {
            type: 'table',
            table: {
              columns: [
                { name: 'name', align: 'left' },
                { name: 'n', align: 'right' },
              ],
              rows: [
                ['alpha', '1'],
                ['b', '1000'],
                ['c', null],
              ],
              totalRows: 250,
            },
          },
          { type: 'buttons', buttons: [{ actionId: 'entry.accept', label: 'Accept', value: 'q1:e1' }] },
        ],
      },
      'invoker',
    );
    const out = h.transcript();
    expect(out).toContain('name      n');
    expect(out).toContain('alpha     1');
    expect(out).toContain('b      1000');
    expect(out).toContain('c      NULL');
    expect(out).toContain('showing 3 of 250 rows');
    const replyNo = /#(\d+) \[ouro, only you\]/.exec(out)![1];
    expect(out).toContain(`[Accept] (!press ${replyNo} entry.accept)`);
    h.type(`!press ${replyNo} entry.accept`);
    const pressed = await inbox.waitFor('button.pressed');
    expect(pressed).toMatchObject({ actionId: 'entry.accept', value: 'q1:e1', invoker: { name: 'ada' } });
    await h.adapter.reply(pressed.replyTo, textReply('accepted'), 'public');
    expect(h.transcript()).toMatch(/\[ouro\] › accepted/);
    await h.adapter.stop();
  });

  it('shows a refusal from the inbox to the person', async () => {
    const h = await makeConsoleHarness();
    await h.adapter.start({
      receive: async () => {
        throw new Error('store unavailable');
      },
    });
    h.type('will not arrive');
    await waitUntil(() => h.transcript().includes('! not delivered, the bridge refused it: store unavailable'));
    await h.adapter.stop();
  });
});

describe('console input grammar (parseLine)', () => {
  it.each<[string, ConsoleAction]>([
    ['', { type: 'empty' }],
    ['   ', { type: 'empty' }],
    ['hello lab', { type: 'message', text: 'hello lab' }],
    ['hello lab   ', { type: 'message', text: 'hello lab' }],
    ['a\nb', { type: 'message', text: 'a\nb' }],
    ['>3 thanks', { type: 'message', text: 'thanks', thread: 3 }],
    ['>#3 thanks', { type: 'message', text: 'thanks', thread: 3 }],
    ['> 3 thanks', { type: 'message', text: 'thanks', thread: 3 }],
    ['>3 /ouro mirror attach c-1', { type: 'command', text: 'mirror attach c-1', thread: 3 }],
    ['>3 !ouro alice hi', { type: 'extra', name: 'ouro', args: 'alice hi', thread: 3 }],
    ['>3', { type: 'error', message: 'nothing to say in thread #3: type ">3 your text"' }],
    ['>3 !edit 4 x', { type: 'error', message: '"!edit" cannot be used inside a thread; type it on its own line' }],
    ['>x hi', { type: 'error', message: 'a thread reply starts with ">N " where N is a message number, e.g. ">3 thanks"' }],
    ['/ouro', { type: 'command', text: '' }],
    ['/ouro query penguins "select 1"', { type: 'command', text: 'query penguins "select 1"' }],
    ['/ouroboros', { type: 'error', message: 'unknown command /ouroboros: commands start with /ouro (type /help)' }],
    ['/help', { type: 'help' }],
    ['!HELP', { type: 'help' }],
    ['!edit 4 new words here', { type: 'edit', id: 4, text: 'new words here' }],
    ['!edit #4 x', { type: 'edit', id: 4, text: 'x' }],
    ['!edit 4', { type: 'error', message: 'usage: !edit N new text' }],
    ['!edit four x', { type: 'error', message: 'usage: !edit N new text' }],
    ['!delete 7', { type: 'delete', id: 7 }],
    ['!delete', { type: 'error', message: 'usage: !delete N' }],
    ['!delete 7 8', { type: 'error', message: 'usage: !delete N' }],
    ['!press 5 entry.accept', { type: 'press', id: 5, actionId: 'entry.accept' }],
    ['!press 5', { type: 'error', message: 'usage: !press N action-id' }],
    ['!ouro alice 1 hi', { type: 'extra', name: 'ouro', args: 'alice 1 hi' }],
    ['!?', { type: 'error', message: 'unknown console command "!?" (type /help)' }],
  ])('%j', (line, expected) => {
    expect(parseLine(line)).toEqual(expected);
  });
});

describe('console rendering', () => {
  const table = (rows: (string | null)[][], totalRows: number): Table => ({
    columns: [
      { name: 'sample', align: 'left' },
      { name: 'br_tesla', align: 'right' },
    ],
    rows,
    totalRows,
  });

  it.each<[string, Table, RenderLimits, string[]]>([
    [
      'all rows fit',
      table(
        [
          ['a', '1.4'],
          ['bb', '12.25'],
        ],
        2,
      ),
      DEFAULT_LIMITS,
      ['sample  br_tesla', '------  --------', 'a            1.4', 'bb         12.25', '2 rows'],
    ],
    ['NULL shown, one row', table([['a', null]], 1), DEFAULT_LIMITS, ['sample  br_tesla', '------  --------', 'a           NULL', '1 row']],
    [
      'cut by the renderer',
      table(
        [
          ['a', '1'],
          ['b', '2'],
          ['c', '3'],
        ],
        3,
      ),
      { maxRows: 2, maxCell: 40 },
      ['sample  br_tesla', '------  --------', 'a              1', 'b              2', 'showing 2 of 3 rows'],
    ],
    ['cut by the command', table([['a', '1']], 1200), DEFAULT_LIMITS, ['sample  br_tesla', '------  --------', 'a              1', 'showing 1 of 1200 rows']],
    [
      'long cell and newline',
      table([['a very long sample name', 'x\ny']], 1),
      { maxRows: 5, maxCell: 8 },
      ['sample    br_tesla', '--------  --------', 'a very …       x y', '1 row'],
    ],
    ['no rows', table([], 0), DEFAULT_LIMITS, ['sample  br_tesla', '------  --------', '0 rows']],
  ])('table: %s', (_name, t, limits, lines) => {
    expect(renderTable(t, limits)).toEqual(lines);
  });

  it('renders every block kind as plain lines, and names attached files', () => {
    const lines = renderRich(
      {
        text: 'summary',
        blocks: [
          { type: 'heading', text: 'Quest: magnets' },
          { type: 'text', markdown: 'line one\nline two' },
          {
            type: 'fields',
            fields: [
              { label: 'Status', value: 'open' },
              { label: 'Entries', value: '3' },
            ],
          },
          { type: 'asset', asset: { id: 'd1', type: 'dataset', name: 'penguins', url: 'https://ouro.foundation/datasets/d1', visibility: 'public' } },
          { type: 'context', markdown: 'updated today' },
          { type: 'divider' },
          { type: 'buttons', buttons: [{ actionId: 'entry.accept', label: 'Accept', value: 'v' }] },
        ],
        files: [{ name: 'result.csv', mime: 'text/csv', content: 'a,b\n1,2\n' }],
      },
      DEFAULT_LIMITS,
      9,
    );
    expect(lines).toEqual([
      'Quest: magnets',
      '==============',
      'line one',
      'line two',
      'Status:  open',
      'Entries: 3',
      'penguins (dataset, public) https://ouro.foundation/datasets/d1',
      '(updated today)',
      '-'.repeat(24),
      '[Accept] (!press 9 entry.accept)',
      '(file result.csv, text/csv, 8 bytes)',
    ]);
    expect(renderRich({ text: 'just text\ntwo', blocks: [] })).toEqual(['just text', 'two']);
  });
});
