/**
 * UUIDv7 (RFC 9562 §5.7): 48-bit Unix milliseconds, version 7, 74 random bits. Ouro uses
 * time-ordered v7 ids for new rows; a client-chosen message id lets a retried create be
 * recognised as the same message.
 */
import { randomFillSync } from 'node:crypto';

/** Random bytes are drawn a pool at a time: one getrandom call per 16 bytes cost ~50 µs of
 * the ack path per message under load (an id is minted for every inbound message). */
const POOL_SIZE = 4096;
const pool = Buffer.alloc(POOL_SIZE);
let poolAt = POOL_SIZE;
const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

export function uuid7(now: number = Date.now()): string {
  if (poolAt + 10 > POOL_SIZE) {
    randomFillSync(pool);
    poolAt = 0;
  }
  const r = pool.subarray(poolAt, poolAt + 10);
  poolAt += 10;
  const ms = Math.max(0, Math.floor(now));
  // 48-bit big-endian milliseconds; exact in doubles (2^48 < 2^53).
  const hi = Math.floor(ms / 0x1000000);
  const lo = ms % 0x1000000;
  const t = [(hi >>> 16) & 0xff, (hi >>> 8) & 0xff, hi & 0xff, (lo >>> 16) & 0xff, (lo >>> 8) & 0xff, lo & 0xff];
  const h = (i: number) => HEX[r[i]!]!;
  const version = HEX[(r[0]! & 0x0f) | 0x70]!; // version 7
  const variant = HEX[(r[2]! & 0x3f) | 0x80]!; // RFC 4122 variant
  return `${t
    .map((b) => HEX[b]!)
    .join('')
    .slice(0, 8)}-${HEX[t[4]!]}${HEX[t[5]!]}-${version}${h(1)}-${variant}${h(3)}-${h(4)}${h(5)}${h(6)}${h(7)}${h(8)}${h(9)}`;
}

/** The millisecond timestamp a v7 id carries. */
export function uuid7Time(id: string): number {
  return Number.parseInt(id.replace(/-/g, '').slice(0, 12), 16);
}
