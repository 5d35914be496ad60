/**
 * The seam between the core and the command layer. The core turns a `command.invoked` or
 * `button.pressed` event into a `CommandInput`/`ButtonInput`, calls the runner, and hands
 * the result to the adapter's `reply` (and `edit`, for a card a button belongs to).
 * Owned by the command layer; the core depends only on these shapes.
 */
import type { ChannelKey } from '../store/types.ts';
import type { RichReply, Visibility } from '../chat/reply.ts';

export interface CommandUser {
  id: string;
  name: string;
  avatarUrl?: string;
  /** The platform says so (Slack admin/owner, Discord Manage Server). BRIDGE_ADMINS is added by the runner. */
  isPlatformAdmin: boolean;
}

export interface CommandInput {
  /** Everything after `/ouro `. */
  text: string;
  user: CommandUser;
  channel: ChannelKey;
  /** The thread the command was typed in, if any (for `mirror attach`). */
  thread?: string;
}

export interface ButtonInput {
  actionId: string;
  value: string;
  user: CommandUser;
  channel: ChannelKey;
  thread?: string;
  messageId?: string;
}

export interface CommandResult {
  reply: RichReply;
  visibility: Visibility;
  /** For a button: new content for the message that carried it (e.g. "Accepted by Ada"). */
  updateMessage?: RichReply;
}

export interface CommandRunner {
  run(input: CommandInput): Promise<CommandResult>;
  press(input: ButtonInput): Promise<CommandResult>;
}
