/**
 * Discord JSON error codes the adapter reacts to
 * (https://discord.com/developers/docs/topics/opcodes-and-status-codes#json).
 * @discordjs/rest throws `DiscordAPIError` carrying `code` and `status`; we read them by
 * shape so a second copy of the library can never break an `instanceof`.
 */
export const DiscordCode = {
  UnknownChannel: 10003,
  UnknownMessage: 10008,
  UnknownWebhook: 10015,
  UnknownInteraction: 10062,
  MissingAccess: 50001,
  CannotEditOthersMessage: 50005,
  MissingPermissions: 50013,
  InteractionAlreadyAcknowledged: 40060,
  ThreadAlreadyCreated: 160004,
} as const;

export function discordCode(err: unknown): number | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'number' ? code : undefined;
}

export function isCode(err: unknown, ...codes: number[]): boolean {
  const c = discordCode(err);
  return c !== undefined && codes.includes(c);
}
