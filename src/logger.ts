// pino with personal data redacted: whatever path a personal number, name or token could take
// into a log line is censored, and request URLs are logged without their query strings.
import pino, { type Logger } from 'pino';

export const REDACT_PATHS = [
  'personal_number', '*.personal_number', '*.*.personal_number',
  'identity', '*.identity', 'result', '*.result',
  'name', '*.first_name', '*.last_name', '*.full_name', 'national_id', '*.national_id',
  'req.headers.authorization', 'req.headers.cookie', 'req.headers["x-idbridge-binding"]',
  'res.headers["set-cookie"]', 'api_key', '*.api_key', 'secret', '*.secret',
];

export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      serializers: {
        req: (req: { method: string; url: string; ip?: string }) => ({ method: req.method, url: req.url.split('?')[0].replace(/\/flow\/[^/]+/, '/flow/:token') }),
      },
    },
    destination,
  );
}
