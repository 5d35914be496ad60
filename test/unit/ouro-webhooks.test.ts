import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { normaliseEventName, parseWebhook, type WebhookDelivery } from '../../src/ouro/webhooks.ts';

const registry = JSON.parse(readFileSync(new URL('../fixtures/ouro/webhook_events.json', import.meta.url), 'utf8')) as string[];
const CONV = '019e2a0f-4c21-7b3e-9a10-5d2e8f7c1a01';
const ALICE = { id: 'fab63291-9f4a-4437-a823-9a4bfcf52e27', username: 'alice', is_agent: false };

describe('parseWebhook: accepted shapes', () => {
  it.each<[string, unknown, Partial<WebhookDelivery>]>([
    [
      'canonical new-message (docs/ouro-api.md §6.3)',
      {
        delivery_id: 'd-1',
        event: 'new-message',
        timestamp: '2026-05-05T14:06:02Z',
        user_id: 'bot',
        data: { conversation_id: CONV, text: 'Hello', type: 'message', user_id: ALICE.id, user: ALICE },
      },
      {
        event: 'new-message',
        deliveryId: 'd-1',
        timestamp: '2026-05-05T14:06:02Z',
        recipientId: 'bot',
        conversationId: CONV,
        text: 'Hello',
        messageType: 'message',
        actor: { id: ALICE.id, username: 'alice', isAgent: false },
      },
    ],
    [
      'legacy event name NEW_MESSAGE, no envelope ids',
      { event: 'NEW_MESSAGE', data: { conversation_id: CONV, sender: { id: 's1', username: 'sam' } } },
      { event: 'new-message', conversationId: CONV, actor: { id: 's1', username: 'sam' } },
    ],
    ['actor wins over sender and user', { event: 'comment', data: { actor: { id: 'a1' }, sender: { id: 's1' }, user: { id: 'u1' } } }, { actor: { id: 'a1' } }],
    ['sender wins over user', { event: 'comment', data: { sender: { id: 's1' }, user: { id: 'u1' } } }, { actor: { id: 's1' } }],
    [
      'profile-shaped user (user_id)',
      { event: 'new-message', data: { conversation_id: CONV, user: { user_id: 'u9', username: 'zed' } } },
      { actor: { id: 'u9', username: 'zed' } },
    ],
    [
      'top-level user_id + sender_username',
      { event: 'new-message', data: { conversation_id: CONV, user_id: 'u2', sender_username: 'bob' } },
      { actor: { id: 'u2', username: 'bob' } },
    ],
    [
      'new-conversation: data.id is the conversation',
      { event: 'new-conversation', data: { id: CONV, metadata: { members: ['a'] } } },
      { conversationId: CONV },
    ],
    ['new-conversation via data.asset.id', { event: 'new-conversation', data: { asset: { id: CONV, type: 'conversation' } } }, { conversationId: CONV }],
    ['interrupt with conversation_id', { event: 'interrupt', data: { conversation_id: CONV } }, { event: 'interrupt', conversationId: CONV }],
    [
      'new-message: data.id is the message, not the conversation',
      { event: 'new-message', data: { id: 'm1', asset: { id: CONV, type: 'conversation' } } },
      { conversationId: CONV, messageId: 'm1' },
    ],
    [
      'comment: no conversation id from asset',
      { event: 'comment', data: { asset: { id: 'c1', type: 'comment' }, text: 'What?' } },
      { event: 'comment', conversationId: undefined, text: 'What?' },
    ],
    ['numeric delivery id', { event: 'follow', delivery_id: 42, data: {} }, { deliveryId: '42' }],
    [
      'odd optional envelope fields count as absent',
      { event: 'follow', delivery_id: { x: 1 }, user_id: '', timestamp: 5, data: {} },
      { event: 'follow', deliveryId: undefined, recipientId: undefined, timestamp: undefined },
    ],
    ['asset.deleted keeps its dot', { event: 'Asset.Deleted', data: { actor: { id: 'a' }, asset: { id: 'x', type: 'post' } } }, { event: 'asset.deleted' }],
  ])('%s', (_name, body, want) => {
    const r = parseWebhook(body);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.delivery).toMatchObject(Object.fromEntries(Object.entries(want).filter(([, v]) => v !== undefined)));
    for (const [k, v] of Object.entries(want)) if (v === undefined) expect(r.delivery).not.toHaveProperty(k);
  });

  it('merges notification ids from the envelope and data, without duplicates', () => {
    const r = parseWebhook({
      event: 'mention',
      notification_id: 'n1',
      notification_ids: ['n2', 'n1'],
      data: { notification_id: 'n3', notification_ids: ['n2', 'n4'] },
    });
    expect(r.ok && r.delivery.notificationIds).toEqual(['n1', 'n2', 'n3', 'n4']);
  });

  it('keeps the raw data for callers', () => {
    const data = { conversation_id: CONV, extra: { deep: true } };
    const r = parseWebhook({ event: 'new-message', data });
    expect(r.ok && r.delivery.data).toEqual(data);
  });

  it.each(registry)('every registry event name parses: %s', (event) => {
    const r = parseWebhook({ event, data: {} });
    expect(r.ok && r.delivery.event).toBe(event);
  });
});

describe('parseWebhook: refused shapes', () => {
  it.each<[string, unknown, string]>([
    ['null', null, 'body: expected a JSON object with "event" and "data"'],
    ['array', [], 'body: expected a JSON object with "event" and "data"'],
    ['string', 'new-message', 'body: expected a JSON object with "event" and "data"'],
    ['no event', { data: {} }, 'event: required'],
    ['blank event', { event: '  ', data: {} }, 'event: expected a non-empty event name'],
    ['numeric event', { event: 7, data: {} }, 'event: expected a string naming the event'],
    ['no data', { event: 'new-message' }, 'data: required'],
    ['data is an array', { event: 'new-message', data: [] }, 'data: expected an object'],
    ['data is a string', { event: 'new-message', data: 'x' }, 'data: expected an object'],
  ])('%s', (_name, body, error) => {
    expect(parseWebhook(body)).toEqual({ ok: false, error });
  });
});

describe('normaliseEventName', () => {
  it.each([
    ['new_message', 'new-message'],
    ['NEW-CONVERSATION', 'new-conversation'],
    [' file.uploaded ', 'file.uploaded'],
  ])('%s → %s', (a, b) => expect(normaliseEventName(a)).toBe(b));
});
