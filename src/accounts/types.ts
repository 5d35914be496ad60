/**
 * The seam between linked accounts and the rest: who the bridge acts as on Ouro for a chat
 * person. Type-only, so the core (src/bridge, src/commands) can depend on it.
 */
import type { OuroClient } from '../ouro/index.ts';
import type { AccountLink, PersonKey } from '../store/types.ts';

export type { AccountLink, PersonKey };

export interface Acting {
  /** The client to call Ouro with: the person's own when linked and working, else the bot's. */
  ouro: OuroClient;
  /** `person`: Ouro decides what they may do. `bot`: the bridge's own rules (admins, org scope) apply. */
  as: 'person' | 'bot';
  /** The person's link, also when it is broken (then `as` is `bot`). */
  link?: AccountLink;
}

export type LoginResult = { ok: true; link: AccountLink } | { ok: false; reason: string };

export interface Accounts {
  /** False when BRIDGE_SECRET_KEY is unset: nobody can link, everything runs as the bot. */
  readonly enabled: boolean;
  /** The Ouro client to act with for this chat person (see Acting). Never throws for a bad key. */
  actingClient(person: PersonKey): Promise<Acting>;
  /** Checks the key with Ouro (token exchange, then GET /user) and stores it sealed when it works. */
  login(person: PersonKey, apiKey: string, chat: { name?: string; avatarUrl?: string }): Promise<LoginResult>;
  logout(person: PersonKey): Promise<boolean>;
  whoami(person: PersonKey): Promise<AccountLink | undefined>;
  /**
   * After Ouro answered 401 to the person's client (the client had already exchanged the key
   * again): the link is marked broken and their client dropped. True only the first time.
   */
  markBroken(person: PersonKey): Promise<boolean>;
  close(): Promise<void>;
}

/** `@username (Full Name)`, as the person is told who they are on Ouro. */
export function ouroIdentity(link: Pick<AccountLink, 'ouroUsername' | 'ouroName'>): string {
  return link.ouroName ? `@${link.ouroUsername} (${link.ouroName})` : `@${link.ouroUsername}`;
}

/**
 * A 401 from a person's own client: the client had exchanged the key again already, so Ouro
 * no longer accepts the key. Structural (the status field), so the core needs no client class.
 */
export const isKeyRejected = (err: unknown): boolean => (err as { status?: unknown } | null)?.status === 401;
