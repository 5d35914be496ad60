/**
 * Does a text carry something that looks like an Ouro API key? Ouro's keys are long hex
 * strings (the sandbox's demo keys start `ouro_`). A pasted key must not be mirrored, echoed
 * or stored; the person is told to revoke it. 64 hex digits also match a SHA-256 digest:
 * holding back a pasted hash (the person is told why) costs less than mirroring a key.
 */
const KEY_SHAPES = [/(?<![0-9a-f])[0-9a-f]{64}(?![0-9a-f])/i, /\bouro_[A-Za-z0-9_]{24,}/];

export function looksLikeOuroKey(text: string): boolean {
  return KEY_SHAPES.some((re) => re.test(text));
}

/** The private notice for a key pasted where it should not be. */
export const PASTED_KEY_NOTICE =
  'That looks like an Ouro API key, so the bridge did not pass it on or keep it. Revoke it now on Ouro (Settings → API keys) and create a new one; to link your account, use `/ouro login` (the key goes into a private form, never into a channel).';
