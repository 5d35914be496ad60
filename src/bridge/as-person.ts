/**
 * Writing to Ouro as a linked chat person (src/accounts): their mirrored messages are
 * created, edited and marked deleted with their own client, after the bridge has added them
 * to the conversation's `metadata.members` (the bot stays a member). Each Ouro message made
 * this way is remembered (kv state `as-person:<ouro message id>` → the person), which is how
 * the sync recognises it as the bridge's own when its `new-message` webhook comes back, and
 * whose client edits it later.
 */
import { PASTED_KEY_NOTICE } from '../accounts/key-shape.ts';
import { ouroIdentity } from '../accounts/types.ts';
import { tellPrivately } from './tell.ts';
import type { PersonKey } from '../store/types.ts';
import type { BridgeContext } from './context.ts';
import type { OuroPort } from './ports.ts';
import type { ChatRef, ChatUser } from './types.ts';

export const AS_PERSON_PREFIX = 'as-person:';
/** As long as edits are relayed at all: a month (the text digests of to-chat.ts keep the same). */
export const AS_PERSON_RETENTION_MS = 30 * 24 * 3600_000;
/** Conversations whose member list we know includes someone; bounded, oldest out. */
const KNOWN_MEMBERS_MAX = 2000;

export interface PersonWriter {
  ouro: OuroPort;
  person: PersonKey;
  ouroUserId: string;
}

// JSON, not a separator character: workspace and user ids are the platforms' own strings.
const label = (p: PersonKey) => JSON.stringify([p.platform, p.workspace, p.chatUserId]);

function parseLabel(v: string): PersonKey | undefined {
  try {
    const [platform, workspace, chatUserId] = JSON.parse(v) as unknown[];
    if (typeof platform !== 'string' || typeof workspace !== 'string' || typeof chatUserId !== 'string') return undefined;
    return { platform: platform as PersonKey['platform'], workspace, chatUserId };
  } catch {
    return undefined;
  }
}

export function createAsPerson(ctx: BridgeContext) {
  const members = new Map<string, true>();
  const tell = (ref: ChatRef, chatUserId: string, text: string) => tellPrivately(ctx.adapters.values(), ctx.logger, ref, chatUserId, text);

  async function writerForPerson(person: PersonKey): Promise<PersonWriter | undefined> {
    if (!ctx.accounts?.enabled) return undefined;
    const a = await ctx.accounts.actingClient(person);
    return a.as === 'person' && a.link ? { ouro: a.ouro, person, ouroUserId: a.link.ouroUserId } : undefined;
  }

  return {
    /** The person's writer when `author` linked a working account; else undefined (the bot writes). */
    async writerFor(ref: ChatRef, author: ChatUser | undefined): Promise<PersonWriter | undefined> {
      if (!author || author.isBot) return undefined;
      return writerForPerson({ platform: ref.platform, workspace: ref.workspace, chatUserId: author.id });
    },

    writerForPerson,

    /** Adds the person to the conversation's members (read and written by the bot) when missing. */
    async ensureMember(conversationId: string, ouroUserId: string): Promise<void> {
      const key = `${conversationId} ${ouroUserId}`;
      if (members.has(key)) return;
      const conv = await ctx.ouro.conversations.get(conversationId);
      const now = conv.metadata?.members ?? [];
      if (!now.includes(ouroUserId)) await ctx.ouro.conversations.update(conversationId, { members: [...now, ouroUserId] });
      members.set(key, true);
      if (members.size > KNOWN_MEMBERS_MAX) members.delete(members.keys().next().value!);
    },

    /** Recorded before the create, so the webhook of the new message can never beat it. */
    remember: (ouroMessageId: string, person: PersonKey) => ctx.store.setState(AS_PERSON_PREFIX + ouroMessageId, label(person)),
    forget: (ouroMessageId: string) => ctx.store.deleteState(AS_PERSON_PREFIX + ouroMessageId),

    /** Who wrote an Ouro message through the bridge as themselves, if anyone. */
    async authorOf(ouroMessageId: string): Promise<PersonKey | undefined> {
      const v = await ctx.store.getState(AS_PERSON_PREFIX + ouroMessageId);
      return v === undefined ? undefined : parseLabel(v);
    },

    /** The key stopped working: marked broken, and the person is told once, privately, at `ref`. */
    async keyStopped(person: PersonKey, ref: ChatRef): Promise<void> {
      if (!ctx.accounts) return;
      const link = await ctx.accounts.whoami(person);
      const first = await ctx.accounts.markBroken(person);
      if (!first) return;
      const who = link ? ` for ${ouroIdentity(link)}` : '';
      const text = `Ouro no longer accepts the API key you linked${who} (it was revoked or expired). Your messages are still mirrored, by the bridge’s account with your name in front, and your commands are refused until you link again with \`/ouro login\` (or \`/ouro logout\`).`;
      await tell(ref, person.chatUserId, text);
    },

    /** A key pasted into a message: the person is told privately (the message went nowhere). */
    pastedKey: (ref: ChatRef, chatUserId: string) => tell(ref, chatUserId, PASTED_KEY_NOTICE),
  };
}
