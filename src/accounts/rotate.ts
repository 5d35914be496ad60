import type { PersonKey, Store } from '../store/types.ts';
import { personLabel } from './index.ts';
import { createSecretBox } from './secret-box.ts';

export interface RotateReport {
  resealed: number;
  /** Links whose key did not open under the old secret: left as they were, counted, never shown. */
  unreadable: number;
}

/**
 * Re-seals every stored Ouro key from `oldKey` to `newKey` in one transaction: either all
 * links move to the new secret or none does. Linked people stay linked.
 */
export async function rotateSecret(store: Store, oldKey: Buffer, newKey: Buffer): Promise<RotateReport> {
  const from = createSecretBox(oldKey);
  const to = createSecretBox(newKey);
  const rows: (PersonKey & { sealedKey: string })[] = [];
  let unreadable = 0;
  for (const link of await store.listAccountLinks()) {
    const label = personLabel(link);
    let plain: string;
    try {
      plain = from.open(link.sealedKey, label);
    } catch {
      unreadable++;
      continue;
    }
    rows.push({ platform: link.platform, workspace: link.workspace, chatUserId: link.chatUserId, sealedKey: to.seal(plain, label) });
  }
  await store.resealAccountLinks(rows);
  return { resealed: rows.length, unreadable };
}
