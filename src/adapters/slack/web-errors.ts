/** The Web API's error code (`message_not_found`, `not_in_channel`, …) a @slack/web-api call failed with, if any. */
export const slackErrorCode = (err: unknown): string | undefined => (err as { data?: { error?: string } } | undefined)?.data?.error;
