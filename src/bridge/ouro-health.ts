/**
 * Ouro's health as the core sees it: the outcome of the latest Ouro call. A refusal with a
 * 4xx still proves Ouro answers and our token works; no answer (status 0), a 5xx or a 401
 * means Ouro is not usable right now. Wraps the port so every call reports, whoever makes it.
 */
import type { OuroPort } from './ports.ts';

export function usable(err: unknown): boolean {
  const status = (err as { status?: unknown } | null)?.status;
  return typeof status === 'number' && status >= 400 && status < 500 && status !== 401;
}

export function watchOuro(port: OuroPort, report: (ok: boolean) => void): OuroPort {
  const track =
    <A extends unknown[], R>(fn: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      try {
        const result = await fn(...args);
        report(true);
        return result;
      } catch (err) {
        report(usable(err));
        throw err;
      }
    };
  return {
    ...(port.files ? { files: port.files } : {}),
    auth: { whoami: track((signal?: AbortSignal) => port.auth.whoami(signal)) },
    conversations: {
      create: track((input: Parameters<OuroPort['conversations']['create']>[0], signal?: AbortSignal) => port.conversations.create(input, signal)),
      get: track((id: string, signal?: AbortSignal) => port.conversations.get(id, signal)),
      update: track((id: string, partial: { members?: string[] }, signal?: AbortSignal) => port.conversations.update(id, partial, signal)),
    },
    messages: {
      create: track((c: string, input: Parameters<OuroPort['messages']['create']>[1], signal?: AbortSignal) => port.messages.create(c, input, signal)),
      update: track((c: string, id: string, input: Parameters<OuroPort['messages']['update']>[2], signal?: AbortSignal) =>
        port.messages.update(c, id, input, signal),
      ),
      list: track((c: string, opts: Parameters<OuroPort['messages']['list']>[1], signal?: AbortSignal) => port.messages.list(c, opts, signal)),
    },
    services: { action: track((id: string, signal?: AbortSignal) => port.services.action(id, signal)) },
  };
}
