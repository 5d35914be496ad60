/**
 * Neutral rich replies. Commands and notifications build these once; each adapter renders
 * them within its own limits (Slack Block Kit, Discord messages/embeds/components, console
 * text). Text is Markdown everywhere in the core.
 */

export type Align = 'left' | 'right';

export interface TableColumn {
  name: string;
  /** The source type (e.g. Postgres `numeric`, `timestamptz`), when known. */
  type?: string;
  align: Align;
}

/**
 * A neutral table. Cells are already strings (or null for SQL NULL); renderers decide how
 * many rows and how wide a cell fits, and must say "showing N of M rows" when they cut.
 */
export interface Table {
  columns: TableColumn[];
  rows: (string | null)[][];
  /** Rows the full result has; may exceed rows.length when the command already capped it. */
  totalRows: number;
}

export interface Button {
  /** Stable action id the core routes on, e.g. `entry.accept`. */
  actionId: string;
  label: string;
  /** Opaque value handed back on press (e.g. `questId:entryId`). At most 2,000 chars. */
  value: string;
  style?: 'primary' | 'danger';
}

export interface AssetRef {
  id: string;
  type: string;
  name: string;
  url: string;
  visibility?: string;
}

export type Block =
  | { type: 'heading'; text: string }
  | { type: 'text'; markdown: string }
  | { type: 'fields'; fields: { label: string; value: string }[] }
  | { type: 'table'; table: Table; caption?: string }
  | { type: 'buttons'; buttons: Button[] }
  | { type: 'asset'; asset: AssetRef; summary?: string }
  | { type: 'context'; markdown: string }
  | { type: 'divider' };

export interface FileAttachment {
  name: string;
  mime: string;
  content: string | Uint8Array;
  title?: string;
  /** What an image shows, for screen readers (Slack alt text, Discord attachment description). */
  alt?: string;
  /** A picture that repeats what the reply's text says: only platforms that show images inline attach it. */
  inlineOnly?: boolean;
}

/** One answer a form asks for: sent as `name=value`, or as `--name value` when `flag`. */
export interface FormField {
  name: string;
  label: string;
  hint?: string;
  required: boolean;
  type: 'text' | 'integer' | 'number' | 'boolean';
  flag?: boolean;
}

/**
 * A form that asks for what a command lacks. A platform with forms (a Slack modal) may open
 * it instead of showing the reply; its submission runs `command` with the answers added, as
 * if typed. Every other platform shows the reply, which must stand alone (a usage line).
 */
export interface CommandForm {
  title: string;
  /** Markdown above the fields. */
  intro?: string;
  submit: string;
  command: string;
  fields: FormField[];
}

export interface RichReply {
  /** Plain Markdown summary: notifications, screen readers and platforms that show no blocks. */
  text: string;
  blocks: Block[];
  files?: FileAttachment[];
  form?: CommandForm;
}

/** Who sees an answer: the whole channel, or only the person who ran the command. */
export type Visibility = 'public' | 'invoker';

export const textReply = (markdown: string): RichReply => ({ text: markdown, blocks: [{ type: 'text', markdown }] });
