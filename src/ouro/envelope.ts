/**
 * Reading an Ouro response (docs/ouro-api.md §2.1–2.3). Pure: status + body in, data or a
 * typed error out.
 * - A truthy `error` is a failure even on 2xx (200-with-error); its `status`/`statusCode`
 *   (int or digit-string) decides the error class over the HTTP status.
 * - Message order: `message` → `detail` (string, or `loc: msg` pairs joined with '; ') →
 *   nested `error` string → the object as JSON.
 * - Non-JSON: on 2xx the data is null; otherwise an HTTP error with the start of the text.
 */
import { createOuroError, type OuroError } from './errors.ts';

export interface RawResponse {
  status: number;
  /** The body text as received ('' when empty). */
  text: string;
  method: string;
  path: string;
  requestId?: string;
  retryAfterMs?: number;
}

export type Unwrapped = { ok: true; data: unknown; body: unknown } | { ok: false; error: OuroError };

/** How much of a non-JSON error body goes into the message. */
const SNIPPET_CHARS = 200;

export function parseJson(text: string): { json: true; value: unknown } | { json: false } {
  if (text.trim() === '') return { json: false };
  try {
    return { json: true, value: JSON.parse(text) };
  } catch {
    return { json: false };
  }
}

/** `envelope: false` for the endpoints that answer without one (get-token, convert). */
export function unwrap(res: RawResponse, envelope = true): Unwrapped {
  const ok2xx = res.status >= 200 && res.status < 300;
  const parsed = parseJson(res.text);
  if (!parsed.json) {
    if (ok2xx) return { ok: true, data: null, body: null };
    const snippet = res.text.trim().slice(0, SNIPPET_CHARS);
    return { ok: false, error: errorFrom(res, res.status, `HTTP ${res.status}${snippet ? `: ${snippet}` : ''}`, {}) };
  }
  const body = parsed.value;
  const obj = isObject(body) ? body : undefined;
  const err = obj?.error;
  if (err) {
    const fields = isObject(err) ? err : {};
    const status = statusOf(fields) ?? res.status;
    return { ok: false, error: errorFrom(res, status, extractMessage(err), fields) };
  }
  if (!ok2xx) {
    const message = obj ? extractMessage(obj, `HTTP ${res.status}`) : `HTTP ${res.status}`;
    return { ok: false, error: errorFrom(res, statusOf(obj ?? {}) ?? res.status, message, obj ?? {}) };
  }
  const data = envelope && obj && 'data' in obj ? obj.data : body;
  return { ok: true, data, body };
}

/** `status` or `statusCode`, as an int or a digit-string; undefined when neither is usable. */
export function statusOf(fields: Record<string, unknown>): number | undefined {
  for (const v of [fields.status, fields.statusCode]) {
    if (typeof v === 'number' && Number.isInteger(v) && v >= 100 && v <= 599) return v;
    if (typeof v === 'string' && /^\d{3}$/.test(v.trim())) return Number(v.trim());
  }
  return undefined;
}

export function extractMessage(err: unknown, fallback?: string): string {
  if (typeof err === 'string') return err;
  if (!isObject(err)) return fallback ?? JSON.stringify(err);
  if (typeof err.message === 'string' && err.message) return err.message;
  const detail = err.detail;
  if (typeof detail === 'string' && detail) return detail;
  if (Array.isArray(detail) && detail.length) {
    return detail
      .map((d) => {
        if (!isObject(d)) return String(d);
        const loc = Array.isArray(d.loc) ? d.loc.join('.') : '';
        const msg = typeof d.msg === 'string' ? d.msg : JSON.stringify(d);
        return loc ? `${loc}: ${msg}` : msg;
      })
      .join('; ');
  }
  if (typeof err.error === 'string' && err.error) return err.error;
  return fallback ?? JSON.stringify(err);
}

function errorFrom(res: RawResponse, status: number, message: string, fields: Record<string, unknown>): OuroError {
  const code = typeof fields.code === 'string' || typeof fields.code === 'number' ? String(fields.code) : undefined;
  return createOuroError({
    status,
    method: res.method,
    url: res.path,
    message,
    code,
    hint: typeof fields.hint === 'string' ? fields.hint : undefined,
    details: fields.details ?? (Array.isArray(fields.detail) ? fields.detail : undefined),
    requestId: res.requestId,
    retryAfterMs: res.retryAfterMs,
  });
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}
