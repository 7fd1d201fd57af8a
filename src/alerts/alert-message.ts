// What an alert says, whichever channel carries it: a title line, a body, and the structured fields
// a signed webhook receiver parses.
export type AlertTransition = 'fired' | 'cleared' | 'test';

export interface AlertMessage {
  /** Stable per transition, so a receiver can dedupe a repeated send (the webhook-id header). */
  id: string;
  transition: AlertTransition;
  title: string;
  text: string;
  rule: { id: number; name: string; kind: string } | null;
  value: number | null;
  at: number;
}

export function plainText(message: AlertMessage): string {
  return `${message.title}\n${message.text}`;
}

export function webhookPayload(message: AlertMessage): string {
  return JSON.stringify({
    type: `alert.${message.transition}`,
    timestamp: new Date(message.at).toISOString(),
    data: {
      id: message.id,
      title: message.title,
      text: message.text,
      rule: message.rule,
      value: message.value,
    },
  });
}
