/**
 * Socket Mode that acknowledges an Events API envelope only once the app has processed it,
 * as HTTP mode does with `processBeforeResponse`.
 *
 * Why a receiver of our own: bolt 5.1's `App.processEvent` acks every event before its
 * listeners run, whatever `processBeforeResponse` says. Over HTTP that receiver keeps the
 * ack's body until processing ends; SocketModeReceiver sends the ack frame to Slack at once,
 * so an event the store then fails to record would be lost. Here the App is handed an ack
 * that only notes the answer; the frame goes out when `processEvent` resolved, i.e. after
 * the listener's `inbox.receive` resolved. When processing fails nothing is sent and Slack
 * delivers the envelope again (its `retry_attempt` counts up); the event keys make the repeat
 * a no-op in the core. Slack also redelivers an envelope not acked within 3 s, so a slow
 * store costs a repeat, never a loss.
 *
 * Slash commands, buttons and form submissions are passed through untouched: their
 * listeners call `ack` themselves, and the answer they carry must reach Slack within 3 s.
 */
import { SocketModeReceiver, type App, type ReceiverEvent } from '@slack/bolt';

/** `app` with a `processEvent` that holds back the ack of Events API envelopes until done. */
export function ackEventsAfterProcessing(app: App): App {
  const processEvent = async (event: ReceiverEvent): Promise<void> => {
    if (event.body.type !== 'event_callback') return app.processEvent(event);
    let answer: { body: unknown } | undefined;
    await app.processEvent({
      ...event,
      ack: async (body?: unknown) => {
        answer = { body };
      },
    });
    // bolt acks every event it got to (listener or not); no ack asked for, none sent.
    if (answer) await event.ack(answer.body);
  };
  return new Proxy(app, {
    get: (target, prop, receiver) => (prop === 'processEvent' ? processEvent : Reflect.get(target, prop, receiver)),
  });
}

export class AckAfterProcessingReceiver extends SocketModeReceiver {
  override init(app: App): void {
    super.init(ackEventsAfterProcessing(app));
  }
}
