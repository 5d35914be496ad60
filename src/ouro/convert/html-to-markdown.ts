/**
 * HTML (what `POST /assets/{id}/download` returns for posts) → Markdown, via turndown.
 * Pure. Adds the GFM constructs turndown lacks out of the box: `~~strike~~`, pipe tables
 * (first row as header, cell line breaks flattened, `|` escaped), task-list checkboxes.
 * `<head>`, `<style>`, `<script>` are removed rather than turned into text.
 */
import TurndownService from 'turndown';

/** The few DOM members used here (the project compiles without the DOM lib). */
interface El {
  nodeName: string;
  parentNode: El | null;
  nextSibling: unknown;
  children: ArrayLike<El>;
  checked?: boolean;
  type?: string;
  getAttribute(name: string): string | null;
  querySelector?(selector: string): El | null;
}
const el = (node: unknown) => node as El;

function createService(): TurndownService {
  const td = new TurndownService({
    headingStyle: 'atx',
    codeBlockStyle: 'fenced',
    bulletListMarker: '-',
    emDelimiter: '*',
    strongDelimiter: '**',
    hr: '---',
  });
  td.remove(['head', 'style', 'script', 'title']);
  td.addRule('strikethrough', {
    filter: ['del', 's', 'strike'],
    replacement: (content) => (content.trim() ? `~~${content}~~` : content),
  });
  td.addRule('taskCheckbox', {
    filter: (node) => el(node).nodeName === 'INPUT' && el(node).type === 'checkbox',
    replacement: (_content, node) => (el(node).checked ? '[x]' : '[ ]'),
  });
  // One space after the marker (turndown pads to four columns); continuation lines indented to match.
  td.addRule('listItem', {
    filter: 'li',
    replacement: (content, node) => {
      const parent = el(node).parentNode;
      let marker = '- ';
      if (parent?.nodeName === 'OL') {
        const start = Number(parent.getAttribute('start') ?? 1) || 1;
        marker = `${start + Array.prototype.indexOf.call(parent.children, el(node))}. `;
      }
      const body = content
        .replace(/^\n+/, '')
        .replace(/\n+$/, '\n')
        .replace(/\n(?=.)/g, `\n${' '.repeat(marker.length)}`);
      return marker + body + (el(node).nextSibling && !body.endsWith('\n') ? '\n' : '');
    },
  });
  td.addRule('tableCell', {
    filter: ['th', 'td'],
    replacement: (content) => ` ${content.replace(/\n+/g, ' ').replace(/\|/g, '\\|').trim()} |`,
  });
  td.addRule('tableRow', {
    filter: 'tr',
    replacement: (content, node) => {
      const row = `|${content}\n`;
      if (!isFirstRow(node)) return row;
      const cols = el(node).children.length;
      return `${row}|${' --- |'.repeat(cols)}\n`;
    },
  });
  td.addRule('tableSection', {
    filter: ['thead', 'tbody', 'tfoot'],
    replacement: (content) => content,
  });
  td.addRule('table', {
    filter: 'table',
    replacement: (content) => `\n\n${content.trim()}\n\n`,
  });
  return td;
}

/** True for the first `<tr>` of its table, whichever section holds it. */
function isFirstRow(node: unknown): boolean {
  let table = el(node).parentNode;
  while (table && table.nodeName !== 'TABLE') table = table.parentNode;
  return table?.querySelector?.('tr') === node;
}

let service: TurndownService | undefined;

export function htmlToMarkdown(html: string): string {
  service ??= createService();
  return service.turndown(html).trim();
}
