/**
 * Slack emoji shortcodes → Unicode, for the ones people actually type in research chat.
 * A shortcode not listed here (custom workspace emoji included) stays `:name:` in the text,
 * so nothing is lost; Ouro shows it literally.
 */
const EMOJI: Record<string, string> = {
  '+1': '👍',
  thumbsup: '👍',
  '-1': '👎',
  thumbsdown: '👎',
  smile: '😄',
  smiley: '😃',
  grinning: '😀',
  laughing: '😆',
  joy: '😂',
  wink: '😉',
  blush: '😊',
  slightly_smiling_face: '🙂',
  thinking_face: '🤔',
  heart: '❤️',
  tada: '🎉',
  rocket: '🚀',
  fire: '🔥',
  eyes: '👀',
  wave: '👋',
  clap: '👏',
  pray: '🙏',
  raised_hands: '🙌',
  muscle: '💪',
  ok_hand: '👌',
  white_check_mark: '✅',
  heavy_check_mark: '✔️',
  x: '❌',
  warning: '⚠️',
  question: '❓',
  exclamation: '❗',
  bulb: '💡',
  memo: '📝',
  pushpin: '📌',
  chart_with_upwards_trend: '📈',
  chart_with_downwards_trend: '📉',
  bar_chart: '📊',
  microscope: '🔬',
  test_tube: '🧪',
  dna: '🧬',
  books: '📚',
  link: '🔗',
  lock: '🔒',
  hourglass: '⌛',
  star: '⭐',
  sparkles: '✨',
  100: '💯',
  sob: '😭',
  sweat_smile: '😅',
  confused: '😕',
  cry: '😢',
  coffee: '☕',
};

const SKIN_TONES: Record<string, string> = {
  'skin-tone-2': '\u{1F3FB}',
  'skin-tone-3': '\u{1F3FC}',
  'skin-tone-4': '\u{1F3FD}',
  'skin-tone-5': '\u{1F3FE}',
  'skin-tone-6': '\u{1F3FF}',
};

export function emojiFor(name: string): string | undefined {
  return Object.hasOwn(EMOJI, name) ? EMOJI[name] : Object.hasOwn(SKIN_TONES, name) ? SKIN_TONES[name] : undefined;
}

/** Replaces known `:shortcode:`s in plain text (callers keep code spans out of it). */
export function replaceEmoji(text: string): string {
  return text.replace(/:([a-z0-9_+'-]{1,64}):/g, (whole, name: string) => emojiFor(name) ?? whole);
}

/** rich_text emoji elements carry `unicode` as dash-separated hex code points (`1f468-200d-1f52c`). */
export function unicodeFromHex(hex: string): string | undefined {
  const points = hex.split('-').map((h) => Number.parseInt(h, 16));
  if (points.length === 0 || points.some((p) => !Number.isInteger(p) || p < 0 || p > 0x10ffff)) return undefined;
  return String.fromCodePoint(...points);
}
