import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOuroClient, OuroNotFoundError, OuroPermissionDeniedError, type OuroClient } from '../../src/ouro/index.ts';
import { SEED_IDS } from '../../src/sandbox/index.ts';
import { eventually } from '../helpers/eventually.ts';
import { withSandbox } from '../helpers/sandbox.ts';

describe('Ouro client: comments against the sandbox, and the comment webhook', () => {
  const sandbox = withSandbox({ seed: 'demo', webhookRetryDelaysMs: [50] });
  let bot: OuroClient;
  let alice: OuroClient;
  let dana: OuroClient;
  const received: { event: string; data: Record<string, unknown> }[] = [];
  let receiver: Server;

  beforeAll(async () => {
    bot = createOuroClient({ baseUrl: sandbox().url, apiKey: sandbox().apiKey });
    alice = createOuroClient({ baseUrl: sandbox().url, apiKey: sandbox().userApiKeys.alice! });
    dana = createOuroClient({ baseUrl: sandbox().url, apiKey: sandbox().addUser('dana').apiKey });
    receiver = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        received.push(JSON.parse(body));
        res.writeHead(200).end('{}');
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    sandbox().setWebhookUrl(`http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`);
  });
  afterAll(async () => {
    sandbox().setWebhookUrl(undefined);
    await Promise.all([bot.close(), alice.close(), dana.close()]);
    await new Promise<void>((r) => receiver.close(() => r()));
  });

  it('a comment and its replies: one level deep, listed in order, the bot told of the others’', async () => {
    const top = await alice.comments.create(SEED_IDS.datasetScreening, 'Why is run 7 an outlier?');
    expect(top).toMatchObject({ parent_id: SEED_IDS.datasetScreening, user_id: SEED_IDS.alice, content: { text: 'Why is run 7 an outlier?' } });
    const reply = await bot.comments.create(top.id, 'The furnace tripped.');
    const replyToReply = await alice.comments.create(reply.id, 'Thanks — rerun it?');
    expect(replyToReply.parent_id).toBe(top.id);
    expect(replyToReply.metadata).toEqual({ reply_to_comment_id: reply.id });
    expect((await bot.comments.list(SEED_IDS.datasetScreening)).map((c) => c.id)).toEqual([top.id]);
    expect((await bot.comments.list(top.id)).map((c) => c.content.text)).toEqual(['The furnace tripped.', 'Thanks — rerun it?']);

    await eventually(() => expect(received.filter((d) => d.event === 'comment')).toHaveLength(2));
    const [first, second] = received.filter((d) => d.event === 'comment');
    expect(first!.data).toMatchObject({
      source_id: top.id,
      root_asset: { id: SEED_IDS.datasetScreening, type: 'dataset' },
      target_asset_type: 'dataset',
      text: 'Why is run 7 an outlier?',
      actor: { username: 'alice' },
    });
    expect(second!.data).toMatchObject({ source_id: replyToReply.id, target_id: top.id, target_asset_type: 'comment' });
  });

  it('edits are the author’s alone; an outsider sees none of it', async () => {
    const c = await alice.comments.create(SEED_IDS.datasetScreening, 'first take');
    expect((await alice.comments.update(c.id, 'second take')).content.text).toBe('second take');
    await expect(bot.comments.update(c.id, 'not mine')).rejects.toBeInstanceOf(OuroPermissionDeniedError);
    await expect(dana.comments.get(c.id)).rejects.toBeInstanceOf(OuroNotFoundError);
    await expect(dana.comments.list(SEED_IDS.datasetScreening)).rejects.toBeInstanceOf(OuroNotFoundError);
  });
});
