import pino, { type DestinationStream, type Logger, type LoggerOptions } from 'pino';
import { redactLogLine } from './redaction/record.ts';

/** The logging calls the core uses; both a pino logger and a Fastify request logger fit. */
export type LogSink = Pick<Logger, 'debug' | 'info' | 'warn' | 'error'>;

/**
 * Builds the service logger. Request serializers keep only method, URL and id; headers and
 * bodies never reach a log line, and credential headers are censored in case one slips in.
 * With `redact` (default true) every written line also goes through the secret and
 * personal-data redaction, which catches values inside error messages.
 */
export function createLogger(level: string, destination?: DestinationStream, { redact = true } = {}): Logger {
  const options: LoggerOptions = {
    level,
    ...(redact ? { hooks: { streamWrite: redactLogLine } } : {}),
    base: { service: 'deliberation-guard' },
    redact: {
      paths: ['req.headers.authorization', 'req.headers["x-api-key"]', 'req.headers.cookie', '*.apiKey', '*.api_key'],
      censor: '[REDACTED]',
    },
    serializers: {
      req: (request: { method: string; url: string; id: string }) => ({ method: request.method, url: request.url, reqId: request.id }),
      res: (reply: { statusCode: number }) => ({ statusCode: reply.statusCode }),
      err: pino.stdSerializers.err,
    },
  };
  return destination ? pino(options, destination) : pino(options);
}
