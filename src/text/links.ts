/**
 * Link spoofing: a link whose label reads as a URL or a domain (`[https://ouro.foundation/x](https://evil.example)`)
 * can pass one site off as another under the bot's name. The converters show such a link
 * with the host it really goes to.
 */

/** A domain-looking run in a label: labels of letters, digits and hyphens joined by dots, ending in a 2–63 letter TLD. */
const DOMAIN = /(?:^|[^a-z0-9.-])(?:[a-z][a-z0-9+.-]{0,20}:\/\/)?((?:[a-z0-9-]{1,63}\.){1,10}[a-z]{2,63})(?![a-z0-9-])/i;
/** Only the start of a label is looked at: enough for any address a person reads there. */
const LABEL_CHARS = 300;

/**
 * File names read like domains (`fit.png`, `runs.csv`). A label ending in one of these
 * extensions names a host only when it also carries a scheme or `www.`; `.zip` and `.mov` are
 * real TLDs, but a bare `data.zip` in a label reads as a file.
 */
const FILE_EXTENSIONS = new Set(
  'png jpg jpeg gif svg webp csv tsv pdf txt md json yaml yml cif xyz pdb py ts js ipynb html zip tar gz tgz xlsx xls docx pptx mov mp4 h5 hdf5 parquet npy npz'.split(
    ' ',
  ),
);

const bare = (host: string) =>
  host
    .toLowerCase()
    .replace(/^www\./, '')
    .replace(/\.$/, '');

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
  const tld = m[1]!.slice(m[1]!.lastIndexOf('.') + 1).toLowerCase();
  if (FILE_EXTENSIONS.has(tld) && !/(?:^|[^a-z])(?:[a-z][a-z0-9+.-]*:\/\/|www\.)/i.test(m[0])) return undefined;
  const claimed = bare(m[1]!);
  return claimed === real || real.endsWith(`.${claimed}`) ? undefined : real;
}
