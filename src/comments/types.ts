import type { ChannelKey } from '../store/types.ts';
import type { WatchHealth } from '../quests/types.ts';

/**
 * The comment side of the store: which channels follow which assets' comments, and what
 * each following channel knows of each comment. SqlStore implements it (./store.ts holds
 * the queries); the notifier, the chat replies and the follow commands use only this.
 */

/** One channel's follow of one asset. */
export type FollowKey = ChannelKey & { assetId: string };

/** The asset types a channel may follow. */
export const FOLLOWABLE = ['dataset', 'post', 'file', 'quest'] as const;
export type FollowableType = (typeof FOLLOWABLE)[number];

export interface Follow extends FollowKey, WatchHealth {
  assetType: FollowableType;
  /** The channel's card for the asset, its comments threaded under it; null until posted. */
  cardMessageId: string | null;
  createdBy: string | null;
  createdAt: number;
}

/**
 * How a comment reached the channel's record: `ouro` (the bridge posted it into the card's
 * thread), `chat` (a person wrote it in the thread; the bridge made the comment), `before`
 * (it stood when the follow began: known, never posted).
 */
export type CopyOrigin = 'ouro' | 'chat' | 'before';

export interface CommentCopy extends FollowKey {
  commentId: string;
  /** The chat message it became or came from; null for `before`. */
  chatMessageId: string | null;
  origin: CopyOrigin;
  /** Digest of the comment's text as last told (./text.ts `digestOf`): a different one is an edit. */
  digest: string;
  /** The chat user who wrote it as themselves (their linked account); null when the bot wrote it. */
  writtenBy: string | null;
  toldAt: number;
}

export interface FollowStore {
  /** Adds a follow, or keeps the one that stands (its card, author, time and health). Returns it. */
  addFollow(follow: Pick<Follow, keyof FollowKey | 'assetType' | 'createdBy'>): Promise<Follow>;
  removeFollow(key: FollowKey): Promise<boolean>;
  listFollows(filter?: Partial<ChannelKey> & { assetId?: string }): Promise<Follow[]>;
  /** The follow whose card is `cardMessageId` in that channel. */
  followByCard(channel: ChannelKey, cardMessageId: string): Promise<Follow | undefined>;
  setFollowCard(key: FollowKey, cardMessageId: string): Promise<void>;
  setFollowHealth(key: FollowKey, health: WatchHealth): Promise<void>;
  /** What `key`'s channel knows of the asset's comments. */
  getCommentCopies(key: FollowKey): Promise<CommentCopy[]>;
  /** Inserts or replaces the given records in one transaction. */
  putCommentCopies(copies: CommentCopy[]): Promise<void>;
  /** The record of the comment a chat message of that follow became or came from. */
  copyByChatMessage(key: FollowKey, chatMessageId: string): Promise<CommentCopy | undefined>;
  /** Forgets what `key`'s channel knows of the asset's comments; returns how many. */
  deleteCommentCopies(key: FollowKey): Promise<number>;
}
