import type { LoggerService } from '@nestjs/common';
import { context, trace } from '@opentelemetry/api';
import pino, { type Logger } from 'pino';

/** JSON lines on stdout, one logger per service, at its LOG_LEVEL (parsed with its settings). */
export function createLogger(service: string, level: string = 'info'): Logger {
  return pino({
    name: service,
    level,
    base: { service, pid: process.pid },
    // Every line written while handling a message carries that message's trace, to join logs and traces.
    mixin: () => {
      const span = trace.getSpan(context.active())?.spanContext();
      return span ? { trace_id: span.traceId, span_id: span.spanId } : {};
    },
  });
}

/** Routes NestJS's own log lines through the service's structured logger. */
export class PinoNestLogger implements LoggerService {
  constructor(private readonly pino: Logger) {}

  log(message: unknown, context?: string) {
    this.pino.info({ context }, String(message));
  }
  error(message: unknown, trace?: string, context?: string) {
    this.pino.error({ context, trace }, String(message));
  }
  warn(message: unknown, context?: string) {
    this.pino.warn({ context }, String(message));
  }
  debug(message: unknown, context?: string) {
    this.pino.debug({ context }, String(message));
  }
  verbose(message: unknown, context?: string) {
    this.pino.trace({ context }, String(message));
  }
}
