import { randomUUID } from 'node:crypto';
import type { Logger } from '../log.ts';
import type { AnyAsset, CommentRec, ConversationRec, DeliveryRec, MessageRec, SandboxState, UserRec } from './state.ts';

/**
 * `new-message` and `comment` webhook deliveries (docs/ouro-api.md §6.2–6.3) to the bot's webhook URL. Ouro's
 * own retry policy is not documented; the sandbox retries a failed delivery (non-2xx or
 * transport error) after each delay in `retryDelaysMs`, then marks it failed. Deliveries
 * run in the background: the request that wrote the message never waits for them.
 */

/** First retry fast enough for tests, the last one still inside a demo's attention span. */
export const DEFAULT_RETRY_DELAYS_MS = [200, 1_000, 5_000];
/** A receiver must ack quickly (the reference receiver answers at once and works later). */
const ATTEMPT_TIMEOUT_MS = 5_000;
/** The delivery log is for assertions and the state view; old entries are dropped past this. */
const KEEP_DELIVERIES = 500;

export interface WebhookOptions {
  url: () => string | undefined;
  retryDelaysMs?: number[];
  logger: Logger;
  changed: () => void;
}

export class Webhooks {
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly aborts = new Set<AbortController>();
  private closed = false;

  constructor(
    private readonly state: SandboxState,
    private readonly opts: WebhookOptions,
  ) {}

  /** Called after a message is stored. Nothing happens for the bot's own messages or without a URL. */
  newMessage(conv: ConversationRec, msg: MessageRec, author: UserRec, bot: UserRec): DeliveryRec | undefined {
    if (author.id === bot.id || !conv.metadata.members.includes(bot.id)) return undefined;
    const who = actorOf(author);
    return this.send('new-message', msg.created_at, bot, {
      conversation_id: conv.id,
      text: msg.text,
      type: msg.type,
      user_id: author.id,
      user: who,
      actor: who,
    });
  }

  /**
   * Called after a comment is stored: a `comment` event (§6.3) to the bot when it may see
   * the commented asset, unless the bot wrote it. Whom real Ouro tells is inferred (the
   * asset's owner and those involved); the bridge also polls, so either answer works.
   */
  comment(c: CommentRec, root: AnyAsset, parent: CommentRec | undefined, author: UserRec, bot: UserRec, botMaySee: boolean): DeliveryRec | undefined {
    if (author.id === bot.id || !botMaySee) return undefined;
    const target = parent ?? root;
    const org = this.state.orgs.find((o) => o.id === root.org_id);
    const team = this.state.teams.find((t) => t.id === root.team_id);
    return this.send('comment', c.created_at, bot, {
      actor: actorOf(author),
      asset: { id: c.id, type: 'comment' },
      parent_asset: { id: target.id, type: target.asset_type },
      root_asset: { id: root.id, type: root.asset_type },
      source_id: c.id,
      source_asset_type: 'comment',
      target_id: target.id,
      target_asset_type: target.asset_type,
      text: c.content.text,
      team: team ? { id: team.id, name: team.name } : null,
      organization: org ? { id: org.id, name: org.name } : null,
    });
  }

  private send(event: string, timestamp: string, bot: UserRec, data: Record<string, unknown>): DeliveryRec | undefined {
    const url = this.opts.url();
    if (!url) return undefined;
    const rec: DeliveryRec = {
      delivery_id: randomUUID(),
      event,
      url,
      status: 'pending',
      attempts: 0,
      results: [],
      body: { delivery_id: '', event, timestamp, user_id: bot.id, data },
    };
    rec.body.delivery_id = rec.delivery_id;
    this.state.deliveries.push(rec);
    if (this.state.deliveries.length > KEEP_DELIVERIES) this.state.deliveries.splice(0, this.state.deliveries.length - KEEP_DELIVERIES);
    this.schedule(rec, 0);
    return rec;
  }

  close(): void {
    this.closed = true;
    for (const t of this.timers) clearTimeout(t);
    for (const a of this.aborts) a.abort();
    this.timers.clear();
    this.aborts.clear();
  }

  private schedule(rec: DeliveryRec, delayMs: number): void {
    if (this.closed) return;
    const t = setTimeout(() => {
      this.timers.delete(t);
      void this.attempt(rec);
    }, delayMs);
    this.timers.add(t);
  }

  private async attempt(rec: DeliveryRec): Promise<void> {
    const ac = new AbortController();
    this.aborts.add(ac);
    const timer = setTimeout(() => ac.abort(), ATTEMPT_TIMEOUT_MS);
    rec.attempts++;
    let result: number | string;
    try {
      const res = await fetch(rec.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'user-agent': 'ouro-sandbox-webhooks' },
        body: JSON.stringify(rec.body),
        signal: ac.signal,
      });
      await res.arrayBuffer().catch(() => undefined);
      result = res.status;
    } catch (err) {
      result = (err as Error).message;
    } finally {
      clearTimeout(timer);
      this.aborts.delete(ac);
    }
    if (this.closed) return;
    rec.results.push(result);
    const delays = this.opts.retryDelaysMs ?? DEFAULT_RETRY_DELAYS_MS;
    if (typeof result === 'number' && result >= 200 && result < 300) {
      rec.status = 'delivered';
    } else if (rec.attempts <= delays.length) {
      this.opts.logger.debug({ delivery: rec.delivery_id, result, attempt: rec.attempts }, 'sandbox: webhook delivery failed, will retry');
      this.schedule(rec, delays[rec.attempts - 1]!);
    } else {
      rec.status = 'failed';
      this.opts.logger.warn({ delivery: rec.delivery_id, results: rec.results }, 'sandbox: webhook delivery failed for good');
    }
    this.opts.changed();
  }
}

function actorOf(u: UserRec): Record<string, unknown> {
  return { id: u.id, username: u.username, is_agent: u.actor_type === 'agent' };
}
