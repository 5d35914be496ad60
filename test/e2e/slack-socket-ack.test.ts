/**
 * Socket Mode acknowledges an event only after the bridge's inbox has it: the real bolt App
 * (our Slack adapter) against the Slack fake's Socket Mode server, with an inbox the test
 * holds open or makes fail. What the fake receives on the WebSocket is the evidence.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createSlackAdapter } from '../../src/adapters/slack/index.ts';
import type { BridgeInbox, InboundEvent } from '../../src/bridge/types.ts';
import { waitUntil } from '../contract/adapter.contract.ts';
import { startFakeSlack, type FakeSlack } from '../helpers/fake-slack.ts';
import { sleep } from '../helpers/eventually.ts';

const C = 'C0LAB';

let fake: FakeSlack | undefined;
let adapter: ReturnType<typeof createSlackAdapter> | undefined;
afterEach(async () => {
  await adapter?.stop();
  await fake?.close();
  adapter = fake = undefined;
});

async function start(inbox: BridgeInbox): Promise<FakeSlack> {
  fake = await startFakeSlack();
  adapter = createSlackAdapter({ botToken: 'xoxb-ack', appToken: 'xapp-ack', apiUrl: fake.apiUrl, clientOptions: { retries: 0 } });
  await adapter.start(inbox);
  return fake;
}

describe('Slack Socket Mode: the ack follows the record', () => {
  it('sends the ack frame only after inbox.receive resolved', async () => {
    const log: string[] = [];
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    const f = await start({
      async receive(e: InboundEvent) {
        log.push(`receive ${e.key}`);
        await held;
        log.push('recorded');
        return { accepted: true };
      },
    });
    const ts = '1700000100.000100';
    const delivery = f.event({ type: 'message', channel: C, user: 'U0ADA', text: 'hold me', ts }).then((d) => {
      log.push('ack');
      return d;
    });
    await waitUntil(() => log.length > 0);
    // bolt on its own acks before any listener runs: such an ack would be here long before this.
    await sleep(300);
    expect(log).toEqual([`receive slack:${C}:${ts}`]);
    release();
    expect(await delivery).toEqual({ status: 200, body: {} });
    expect(log).toEqual([`receive slack:${C}:${ts}`, 'recorded', 'ack']);
  });

  it('sends no ack when the inbox fails, so Slack redelivers; the redelivery is acked', async () => {
    let failures = 1;
    const received: string[] = [];
    const f = await start({
      async receive(e: InboundEvent) {
        if (failures-- > 0) throw new Error('store is down');
        received.push(e.key);
        return { accepted: true };
      },
    });
    const ts = '1700000200.000100';
    const body = f.eventBody({ type: 'message', channel: C, user: 'U0ADA', text: 'keep me', ts }, 'Ev-SOCKET-FAIL');
    // A second is ample: the failing pass (one users.info on loopback) takes milliseconds.
    await expect(f.envelope('events_api', body, 0, 1_000)).rejects.toThrow(/no ack for events_api/);
    expect(failures).toBe(0); // the inbox was called, and failed
    expect(received).toEqual([]);
    expect(await f.envelope('events_api', body, 1)).toEqual({ status: 200, body: {} });
    expect(received).toEqual([`slack:${C}:${ts}`]);
  });

  it('still acks an event no listener takes, and a slash command with its answer', async () => {
    const received: string[] = [];
    const f = await start({
      async receive(e: InboundEvent) {
        received.push(e.kind);
        return { accepted: true };
      },
    });
    expect(
      await f.event({
        type: 'reaction_added',
        user: 'U0ADA',
        reaction: 'tada',
        item: { type: 'message', channel: C, ts: '1700000300.000100' },
        event_ts: '1700000300.000200',
      }),
    ).toEqual({ status: 200, body: {} });
    const cmd = await f.command('query penguins');
    expect(cmd.body).toEqual({ response_type: 'ephemeral', text: 'Working on it…' });
    expect(received).toEqual(['command.invoked']);
  });
});
