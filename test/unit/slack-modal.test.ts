import { describe, expect, it } from 'vitest';
import { originMetadata, parseOrigin, QUEST_MODAL_CALLBACK, questCommandFromView, questCreateModal, quoteArg } from '../../src/adapters/slack/modal.ts';
import { tokenize } from '../../src/commands/parse.ts';

const values = (name: string | null, items = '', type = 'closable') => ({
  name: { value: { type: 'plain_text_input', value: name } },
  items: { value: { type: 'plain_text_input', value: items } },
  type: { value: { type: 'static_select', selected_option: { value: type } } },
});
const origin = { team: 'T1', channel: 'C1', responseUrl: 'https://hooks.slack.com/x' };

describe('quest modal', () => {
  it('carries its origin in private_metadata', () => {
    const view = questCreateModal(origin);
    expect(view.callback_id).toBe(QUEST_MODAL_CALLBACK);
    expect(parseOrigin(view.private_metadata as string)).toEqual(origin);
    expect(parseOrigin('not json')).toBeUndefined();
  });

  const cases: [string, ReturnType<typeof values>, string][] = [
    ['name only', values('Screening'), 'quest create "Screening"'],
    ['items, one per line, blanks skipped', values('Screen', 'first sample\n\n  second  \n'), 'quest create "Screen" --item "first sample" --item "second"'],
    ['continuous', values('Watch', '', 'continuous'), 'quest create "Watch" --continuous'],
    ['quotes in the name', values('The "best" run'), `quest create 'The "best" run'`],
  ];
  it.each(cases)('%s → command text', (_name, v, text) => {
    const r = questCommandFromView({ state: { values: v }, private_metadata: JSON.stringify(origin) });
    expect(r).toEqual({ ok: true, text, origin });
  });

  it('refuses an empty name with a field error', () => {
    expect(questCommandFromView({ state: { values: values('  ') } })).toEqual({ ok: false, errors: { name: 'A quest needs a name.' } });
  });

  const quoted = ['plain words', 'say "hi" now', "it's Ada's", `both "x" and 'y' here`, '“typographic” too'];
  it.each(quoted)('quoteArg(%j) is one word for the command tokenizer', (text) => {
    const tokens = tokenize(quoteArg(text));
    expect(tokens).toHaveLength(1);
    expect(tokens[0]!.value.replace(/″/g, '"').replace(/[“”]/g, '"')).toBe(text.replace(/[“”]/g, '"'));
  });
});

describe('originMetadata: where a form was opened, as private_metadata', () => {
  const origin = { team: 'T1', channel: 'C1', thread: '1.2' };
  it.each([
    ['a short origin, whole', { ...origin, responseUrl: 'https://hooks.slack.com/x' }, { ...origin, responseUrl: 'https://hooks.slack.com/x' }],
    [
      'an origin over 3,000 characters, without its response URL (still JSON)',
      { ...origin, responseUrl: `https://hooks.slack.com/${'x'.repeat(3000)}` },
      origin,
    ],
  ])('%s', (_name, given, kept) => {
    const metadata = originMetadata(given);
    expect(metadata.length).toBeLessThanOrEqual(3000);
    expect(parseOrigin(metadata)).toEqual(kept);
  });
});
