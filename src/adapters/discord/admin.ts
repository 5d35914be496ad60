/**
 * Who may administer the bridge on Discord: members whose permissions in the channel
 * include Manage Server (or Administrator, which implies every permission), and anyone
 * listed in BRIDGE_ADMINS. Interactions carry the member's resolved permissions as a
 * decimal bitfield string (`member.permissions`), so this needs no extra API call.
 */

/** Discord permission bits (https://discord.com/developers/docs/topics/permissions). */
export const ADMINISTRATOR = 1n << 3n;
export const MANAGE_GUILD = 1n << 5n;

/** Parses a permissions bitfield; undefined or malformed input grants nothing. */
export function parsePermissions(bits: string | bigint | null | undefined): bigint {
  if (typeof bits === 'bigint') return bits;
  if (typeof bits !== 'string' || !/^\d+$/.test(bits)) return 0n;
  return BigInt(bits);
}

export function hasManageServer(bits: string | bigint | null | undefined): boolean {
  const p = parsePermissions(bits);
  return (p & (ADMINISTRATOR | MANAGE_GUILD)) !== 0n;
}

/** BRIDGE_ADMINS holds chat user ids; Discord ids are snowflakes, compared as strings. */
export function isBridgeAdmin(userId: string, permissions: string | bigint | null | undefined, bridgeAdmins: readonly string[] = []): boolean {
  return hasManageServer(permissions) || bridgeAdmins.includes(userId);
}
