/**
 * Whose Ouro account writes on a chat person's behalf. The one place that picks it, so
 * acting as a linked person (their own Ouro client) is a change here alone: today every
 * write is the bridge's own account.
 */
import type { BridgeContext } from './context.ts';
import type { OuroPort } from './ports.ts';
import type { ChatUser } from './types.ts';

export function ouroFor(ctx: Pick<BridgeContext, 'ouro'>, _sender: ChatUser | undefined): OuroPort {
  return ctx.ouro;
}
