import { context, propagation, trace, SpanKind, SpanStatusCode, type Attributes, type Context, type Span } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator, type ExportResult, ExportResultCode } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { BasicTracerProvider, BatchSpanProcessor, SimpleSpanProcessor, type ReadableSpan, type SpanExporter } from '@opentelemetry/sdk-trace-base';
import type { Envelope } from '@agentos/contracts';
import type { MsgHdrs } from 'nats';

const TRACER = 'agentos';
const KEPT_SPANS = 20_000;

/**
 * Keeps the most recent finished spans in memory, for tests and for the dashboard when no collector is set.
 * A ring: once full, each span overwrites the oldest (dropping it from the front of an array moved every
 * other span, a twentieth of an intent's CPU).
 */
export class RecentSpansExporter implements SpanExporter {
  private readonly spans: ReadableSpan[] = [];
  /** Where the next span goes once the ring is full: the oldest one. */
  private oldest = 0;

  export(spans: ReadableSpan[], done: (result: ExportResult) => void): void {
    for (const span of spans) {
      if (this.spans.length < KEPT_SPANS) this.spans.push(span);
      else {
        this.spans[this.oldest] = span;
        this.oldest = (this.oldest + 1) % KEPT_SPANS;
      }
    }
    done({ code: ExportResultCode.SUCCESS });
  }

  /** Oldest first. */
  finished(): ReadableSpan[] {
    return [...this.spans.slice(this.oldest), ...this.spans.slice(0, this.oldest)];
  }

  async shutdown(): Promise<void> {
    this.spans.length = 0;
    this.oldest = 0;
  }
}

let recent: RecentSpansExporter | undefined;

/**
 * Installs OpenTelemetry once per process: OTLP/HTTP to OTEL_EXPORTER_OTLP_ENDPOINT when it is set,
 * otherwise the in-memory exporter. W3C trace context is what travels in NATS headers.
 */
export function startTracing(env: NodeJS.ProcessEnv = process.env): RecentSpansExporter | undefined {
  if (recent || trace.getTracerProvider() instanceof BasicTracerProvider) return recent;
  const exporting = Boolean(env.OTEL_EXPORTER_OTLP_ENDPOINT);
  recent = exporting ? undefined : new RecentSpansExporter();
  const processor = recent ? new SimpleSpanProcessor(recent) : new BatchSpanProcessor(new OTLPTraceExporter());
  trace.setGlobalTracerProvider(new BasicTracerProvider({ spanProcessors: [processor] }));
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  return recent;
}

/** The spans this process finished (empty when spans go to a collector instead). */
export const finishedSpans = (): ReadableSpan[] => recent?.finished() ?? [];

/** Span attributes that let a trace be searched by agent, tenant, workflow and policy rule. */
export function messageAttributes(message: Envelope): Attributes {
  const p = (message.payload ?? {}) as Record<string, unknown>;
  const workflow = p.intentId ?? (p.scope === 'workflow' ? p.scopeId : undefined);
  return {
    'messaging.system': 'nats',
    'agentos.message.type': message.type,
    'agentos.message.id': message.id,
    'agentos.tenant': message.tenant,
    'agentos.correlation_id': message.correlationId,
    ...(typeof workflow === 'string' ? { 'agentos.workflow': workflow } : {}),
    ...(typeof p.agent === 'string' ? { 'agentos.agent': p.agent } : {}),
    ...(typeof p.agentVersion === 'string' ? { 'agentos.agent.version': p.agentVersion } : {}),
    ...(message.type === 'PolicyDecided' ? { 'agentos.policy.rule': String(p.rule), 'agentos.policy.effect': String(p.effect) } : {}),
  };
}

/** The context a message was sent in: its `traceparent` header, else the one in its envelope. */
export function contextOf(message: Envelope, headers?: MsgHdrs): Context {
  const carrier = { traceparent: headers?.get('traceparent') || message.traceparent || '' };
  return carrier.traceparent ? propagation.extract(context.active(), carrier) : context.active();
}

/** The W3C traceparent of the active span, to send with a message. */
export function activeTraceparent(): string | undefined {
  const carrier: Record<string, string> = {};
  propagation.inject(context.active(), carrier);
  return carrier.traceparent;
}

/** Runs `work` in a span; an exception marks the span as an error and is rethrown. */
export async function inSpan<T>(name: string, kind: SpanKind, attributes: Attributes, parent: Context, work: (span: Span) => Promise<T>): Promise<T> {
  const span = trace.getTracer(TRACER).startSpan(name, { kind, attributes }, parent);
  try {
    return await context.with(trace.setSpan(parent, span), () => work(span));
  } catch (error) {
    span.recordException(error as Error);
    span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error)?.message });
    throw error;
  } finally {
    span.end();
  }
}

export { SpanKind };
