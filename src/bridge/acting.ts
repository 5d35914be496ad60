/**
 * Whose Ouro account writes a chat person's files: their own when they linked a working
 * account (the asset is theirs on Ouro), else the bridge's. The one place that picks it.
 */
import { createAsPerson } from './as-person.ts';
import type { BridgeContext } from './context.ts';
import type { OuroPort } from './ports.ts';
import type { ChatRef, ChatUser } from './types.ts';

export async function ouroFor(ctx: BridgeContext, ref: ChatRef, sender: ChatUser | undefined): Promise<OuroPort> {
  const writer = await createAsPerson(ctx).writerFor(ref, sender);
  return writer?.ouro ?? ctx.ouro;
}
