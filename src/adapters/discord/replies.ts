/**
 * Answers to interactions. The adapter defers every command and button within Discord's
 * 3 seconds (inbound.ts); the core answers later through `reply(target, …)`, which needs
 * only the interaction token and application id, so it works after a restart, for the
 * 15 minutes the token lives.
 *
 * A deferral fixes the visibility of the interaction's original response, guessed before
 * the core decided. When the answer's visibility matches, the original response is edited;
 * when it does not, the answer is sent as a follow-up of the right visibility and the
 * placeholder ("… is thinking") is deleted. Later answers to the same target are follow-ups.
 * A button press is deferred as an update of its message, so its answers are follow-ups.
 */
import type { REST } from 'discord.js';
import type { ReplyTarget } from '../../bridge/types.ts';
import type { RichReply, Visibility } from '../../chat/reply.ts';
import { attachmentDescriptions, renderReply } from './render.ts';

/** discord-api-types MessageFlags.Ephemeral: only the invoker sees the message. */
export const EPHEMERAL = 1 << 6;
/** Tokens stay usable for 15 minutes; remember which originals we used for that long. */
const TOKEN_LIFETIME_MS = 15 * 60_000;

export interface DiscordReplyTarget extends ReplyTarget {
  platform: 'discord';
  interactionId: string;
  token: string;
  applicationId: string;
  /** How the interaction was acknowledged. */
  deferred: 'public' | 'ephemeral' | 'update';
}

export class ReplyTargetError extends Error {
  override readonly name = 'ReplyTargetError';
}

export function asDiscordTarget(target: ReplyTarget): DiscordReplyTarget {
  const t = target as Partial<DiscordReplyTarget>;
  if (
    t.platform !== 'discord' ||
    typeof t.token !== 'string' ||
    typeof t.applicationId !== 'string' ||
    !['public', 'ephemeral', 'update'].includes(String(t.deferred))
  ) {
    throw new ReplyTargetError(`not a Discord reply target: ${JSON.stringify({ ...t, token: t.token ? '[token]' : undefined })}`);
  }
  return t as DiscordReplyTarget;
}

export class Replies {
  /** token → when its original response was used. */
  private readonly usedOriginal = new Map<string, number>();

  constructor(private readonly rest: REST) {}

  async reply(target: ReplyTarget, reply: RichReply, visibility: Visibility): Promise<void> {
    const t = asDiscordTarget(target);
    const body = renderReply(reply);
    const payload = {
      content: body.content,
      embeds: body.embeds,
      components: body.components,
      allowed_mentions: { parse: [] },
      ...attachmentDescriptions(body.files),
    };
    const base = `/webhooks/${t.applicationId}/${t.token}` as const;
    const wantEphemeral = visibility === 'invoker';
    this.expire();
    const firstAnswer = t.deferred !== 'update' && !this.usedOriginal.has(t.token);
    if (firstAnswer) this.usedOriginal.set(t.token, Date.now());
    if (firstAnswer && (t.deferred === 'ephemeral') === wantEphemeral) {
      await this.rest.patch(`${base}/messages/@original`, { body: payload, files: body.files, auth: false });
      return;
    }
    await this.rest.post(base, {
      body: { ...payload, flags: wantEphemeral ? EPHEMERAL : 0 },
      files: body.files,
      auth: false,
      query: new URLSearchParams({ wait: 'true' }),
    });
    if (firstAnswer) {
      // The placeholder has the wrong visibility; the answer is in the follow-up now.
      await this.rest.delete(`${base}/messages/@original`, { auth: false }).catch(() => undefined);
    }
  }

  private expire(): void {
    const cutoff = Date.now() - TOKEN_LIFETIME_MS;
    for (const [token, at] of this.usedOriginal) {
      if (at >= cutoff) break;
      this.usedOriginal.delete(token);
    }
  }
}
