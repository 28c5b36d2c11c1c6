// The slice of pino the webhook code uses; pino's Logger satisfies it. Log lines carry ids,
// statuses and errors only: never bodies or secrets.
export interface WebhookLogger {
  info(obj: Record<string, unknown>, msg: string): void;
  warn(obj: Record<string, unknown>, msg: string): void;
  error(obj: Record<string, unknown>, msg: string): void;
}
