/**
 * `/ouro route` end to end over the real bolt App (HTTP mode) and the Slack fake: a priced
 * route's Confirm pressed by the person who asked, and an async run whose progress message
 * is posted once in the channel and edited in place to the result.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCommandRunner } from '../../src/commands/index.ts';
import { SERVICE_IDS } from '../../src/sandbox/seed-services.ts';
import { eventually } from '../helpers/eventually.ts';
import type { FakeSlack, Hook } from '../helpers/fake-slack.ts';
import { startSlackStack, type SlackStack, linkToLab } from '../helpers/slack-stack.ts';

const C = 'C0ROUTES';
const hookFor = (fake: FakeSlack, responseUrl: string): Hook | undefined => fake.hooks.find((h) => `${fake.url}/hooks/${h.id}` === responseUrl);

describe('Slack: /ouro route', () => {
  let s: SlackStack;
  beforeAll(async () => {
    s = await startSlackStack({
      sandbox: { seed: 'demo' },
      clientOptions: { retries: 0 },
      bridge: (ouro, store) => ({ commands: createCommandRunner({ ouro, store, bridgeAdmins: [] }) }),
    });
    await linkToLab(s.store, C, 'off');
  }, 60_000);
  afterAll(async () => {
    await s?.close();
  });

  it('follows an async run in the channel: one message, edited in place to the result', async () => {
    const route = s.sandbox.state.routes.find((r) => r.id === SERVICE_IDS.screen)!;
    // 1.5 s of work, polled every second (the SDK's clamp).
    route.metrics = { ...route.metrics, avg_completion_ms: 1_500 };
    const cmd = await s.fake.command('route alice/screen-candidates run=r4 count=2', { channel: C });
    await eventually(() => expect(hookFor(s.fake, cmd.responseUrl)?.body.text).toMatch(/^Started \*alice\/screen-candidates\*/));
    expect(hookFor(s.fake, cmd.responseUrl)!.body.response_type).toBe('ephemeral');
    const running = () => s.fake.callsOf('chat.postMessage').filter((c) => c.args.channel === C && String(c.args.text).includes('screen-candidates'));
    await eventually(() => expect(running()).toHaveLength(1));
    await eventually(
      () => expect(s.fake.callsOf('chat.update').some((c) => c.args.channel === C && String(c.args.text).includes('✅ done'))).toBe(true),
      15_000,
    );
    const update = s.fake.callsOf('chat.update').find((c) => String(c.args.text).includes('✅ done'))!;
    expect(JSON.stringify(update.args.blocks)).toContain('screened');
    expect(running()).toHaveLength(1);
  });

  it('a route named alone opens a modal of its parameters; submitting it runs the route with those values', async () => {
    const before = s.fake.callsOf('views.open').length;
    const cmd = await s.fake.command('route alice/screen-candidates', { channel: C, user: 'U0BOB' });
    expect(cmd.body ?? '').toBe('');
    await eventually(() => expect(s.fake.callsOf('views.open')).toHaveLength(before + 1));
    const open = s.fake.callsOf('views.open').at(-1)!;
    expect(open.args.trigger_id).toBe(cmd.triggerId);
    const view = open.args.view as { callback_id: string; title: { text: string }; blocks: Record<string, any>[] };
    expect(view.callback_id).toBe('ouro_command_form');
    expect(view.title.text.length).toBeLessThanOrEqual(24);
    expect(JSON.stringify(view.blocks[0])).toContain('alice/screen-candidates');
    const inputs = view.blocks.filter((b) => b.type === 'input');
    expect(inputs.map((b) => [b.block_id, b.element.type, b.optional])).toEqual([
      ['p:run', 'plain_text_input', false],
      ['p:count', 'number_input', true],
    ]);
    expect(inputs[1]!.element.is_decimal_allowed).toBe(false);
    expect(inputs[0]!.hint.text).toContain('path parameter');
    // The usage is not answered as well: the form stands in for it.
    expect(hookFor(s.fake, cmd.responseUrl)).toBeUndefined();

    // A required answer left empty is refused on its field, and nothing runs.
    const runs = () => s.sandbox.state.actions.filter((a) => a.route_id === SERVICE_IDS.screen).length;
    const n = runs();
    const empty = await s.fake.submitView(
      { 'p:run': { value: { type: 'plain_text_input', value: ' ' } }, 'p:count': { value: { type: 'number_input', value: null } } },
      'U0BOB',
    );
    expect(empty.body).toMatchObject({ response_action: 'errors', errors: { 'p:run': 'This one is required.' } });

    await s.fake.submitView(
      { 'p:run': { value: { type: 'plain_text_input', value: 'r 9' } }, 'p:count': { value: { type: 'number_input', value: '4' } } },
      'U0BOB',
    );
    await eventually(() => expect(hookFor(s.fake, cmd.responseUrl)?.body.text).toMatch(/^Started \*alice\/screen-candidates\*/));
    expect(runs()).toBe(n + 1);
    const action = s.sandbox.state.actions.filter((a) => a.route_id === SERVICE_IDS.screen).at(-1)!;
    expect(action.response).toMatchObject({ run: 'r 9', screened: 4 });
  });

  it('answers with the usage when the modal cannot open (the 3 s trigger expired)', async () => {
    s.fake.fail('views.open', 'expired_trigger_id');
    try {
      const cmd = await s.fake.command('route alice/relax-structure', { channel: C });
      await eventually(() => expect(hookFor(s.fake, cmd.responseUrl)?.body.text).toContain('Usage: `/ouro route alice/relax-structure'));
      expect(hookFor(s.fake, cmd.responseUrl)!.body.response_type).toBe('ephemeral');
    } finally {
      s.fake.fail('views.open', undefined);
    }
  });

  it('runs a priced route only after its asker presses Confirm', async () => {
    const uses = () => s.sandbox.requests.filter((r) => r.path === `/services/${SERVICE_IDS.service}/routes/${SERVICE_IDS.premium}/use`).length;
    const cmd = await s.fake.command('route alice/predict-magnetisation composition=Fe2Ni', { channel: C, user: 'U0BOB' });
    await eventually(() => expect(hookFor(s.fake, cmd.responseUrl)).toBeDefined());
    const hook = hookFor(s.fake, cmd.responseUrl)!;
    expect(hook.body.response_type).toBe('ephemeral');
    const elements = (hook.body.blocks as { type: string; elements?: { action_id: string; value: string }[] }[]).find((b) => b.type === 'actions')!.elements!;
    const confirm = elements.find((e) => e.action_id === 'route.confirm')!;
    expect(uses()).toBe(0);
    const other = await s.fake.press({ channel: C, ts: '1700000000.000001' }, { action_id: 'route.confirm', value: confirm.value }, 'U0ADA');
    await eventually(() => expect(hookFor(s.fake, other.responseUrl)?.body.text).toContain('Only the person who asked'));
    expect(uses()).toBe(0);
    const mine = await s.fake.press({ channel: C, ts: '1700000000.000001' }, { action_id: 'route.confirm', value: confirm.value }, 'U0BOB');
    await eventually(() => expect(hookFor(s.fake, mine.responseUrl)?.body.text).toContain('✅ done'));
    expect(uses()).toBe(1);
  });
});
