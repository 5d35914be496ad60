/**
 * Link spoofing: a link whose label reads as a URL or a domain (`[https://ouro.foundation/x](https://evil.example)`)
 * can pass one site off as another under the bot's name. The converters show such a link
 * with the host it really goes to.
 */

/** A domain-looking run in a label: labels of letters, digits and hyphens joined by dots, ending in a 2–63 letter TLD. */
const DOMAIN = /(?:^|[^a-z0-9.-])(?:[a-z][a-z0-9+.-]{0,20}:\/\/)?((?:[a-z0-9-]{1,63}\.){1,10}[a-z]{2,63})(?![a-z0-9-])/i;
/** Only the start of a label is looked at: enough for any address a person reads there. */
const LABEL_CHARS = 300;

const bare = (host: string) => host.toLowerCase().replace(/^www\./, '').replace(/\.$/, '');

export function hostOf(href: string): string | undefined {
  try {
    const url = new URL(href);
    return url.hostname ? bare(url.hostname) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The real host to show beside a link whose label names another host, or undefined when the
 * label names no host or the same one (or a parent of it: `ouro.foundation` for `app.ouro.foundation`).
 */
export function spoofedHost(label: string, href: string): string | undefined {
  const real = hostOf(href);
  if (!real) return undefined;
  const m = DOMAIN.exec(label.slice(0, LABEL_CHARS));
  if (!m) return undefined;
  const claimed = bare(m[1]!);
  return claimed === real || real.endsWith(`.${claimed}`) ? undefined : real;
}
