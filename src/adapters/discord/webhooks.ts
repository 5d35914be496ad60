/**
 * The bot's channel webhooks: one per text channel, found among the channel's webhooks
 * (ours are the ones owned by our application or created by our bot user) or created on
 * first use. Relayed Ouro messages go through them so each shows its Ouro author's name and
 * avatar; threads use their parent channel's webhook with `thread_id`.
 *
 * Also the loop guard's memory: every webhook id seen here is ours, and a message whose
 * `webhook_id` is one of them (or whose `application_id` is ours) is never relayed back.
 */
import type { REST } from 'discord.js';

export interface ChannelWebhook {
  id: string;
  token: string;
}

interface ApiWebhook {
  id: string;
  token?: string;
  application_id?: string | null;
  user?: { id: string };
}

/** Name shown in the channel's Integrations list; messages override it per Ouro author. */
export const WEBHOOK_NAME = 'Ouro Bridge';

export class WebhookRegistry {
  private readonly byChannel = new Map<string, Promise<ChannelWebhook>>();
  private readonly own = new Set<string>();

  constructor(
    private readonly rest: REST,
    private readonly identity: () => { applicationId?: string; botUserId?: string },
  ) {}

  isOwn(webhookId: string): boolean {
    return this.own.has(webhookId);
  }

  /** The channel's webhook; concurrent first uses share one lookup, so we never create two. */
  forChannel(channelId: string): Promise<ChannelWebhook> {
    let p = this.byChannel.get(channelId);
    if (!p) {
      p = this.findOrCreate(channelId);
      p.catch(() => this.byChannel.delete(channelId));
      this.byChannel.set(channelId, p);
    }
    return p;
  }

  /** Drops a webhook someone deleted (Unknown Webhook), so the next use creates a new one. */
  forget(channelId: string): void {
    this.byChannel.delete(channelId);
  }

  private async findOrCreate(channelId: string): Promise<ChannelWebhook> {
    const { applicationId, botUserId } = this.identity();
    const hooks = (await this.rest.get(`/channels/${channelId}/webhooks`)) as ApiWebhook[];
    const mine = hooks.find((h) => h.token && ((applicationId && h.application_id === applicationId) || (botUserId && h.user?.id === botUserId)));
    const hook = mine ?? ((await this.rest.post(`/channels/${channelId}/webhooks`, { body: { name: WEBHOOK_NAME } })) as ApiWebhook);
    if (!hook.token) throw new Error(`Discord returned webhook ${hook.id} without a token`);
    this.own.add(hook.id);
    return { id: hook.id, token: hook.token };
  }
}
