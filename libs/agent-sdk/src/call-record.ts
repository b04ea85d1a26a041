import { asRecorded, type ContentLabel, type RecordedCall } from '@agentos/contracts';
import { ContentQuarantinedError, PolicyDeniedError } from './define-agent';
import { MemoryConflictError, MemoryWriteRefusedError } from './memory-client';

/** The SDK errors an agent may catch by class: a replay throws them again as the same class. */
const KNOWN_ERRORS: Record<string, new (...args: never[]) => Error> = { ContentQuarantinedError, PolicyDeniedError, MemoryConflictError, MemoryWriteRefusedError };

export function reviveError(recorded: { name: string; message: string }): Error {
  const type = KNOWN_ERRORS[recorded.name];
  const error = type ? (Object.create(type.prototype) as Error) : new Error();
  error.name = recorded.name;
  error.message = recorded.message;
  return error;
}

/**
 * Records every call made through the objects it wraps, in call order (the slot is taken when the call
 * starts, so concurrent calls keep the order the code made them in), with the answer or the error.
 */
export class CallRecorder {
  readonly calls: RecordedCall[] = [];

  /** `labels`: the task context's labels, recorded with each call so a replay shows what the agent had read by then. */
  constructor(private readonly labels: () => ContentLabel[] = () => []) {}

  note(kind: string, name: string, response: unknown, request: unknown = null): void {
    this.calls.push({ kind, name, request: asRecorded(request), response: asRecorded(response) });
  }

  wrap<T extends object>(kind: string, target: T): T {
    return new Proxy(target, {
      get: (object, property) => {
        const value = Reflect.get(object, property);
        if (typeof value !== 'function') return value;
        return async (...args: unknown[]) => {
          const call: RecordedCall = { kind, name: String(property), request: asRecorded(args), labels: this.labels() };
          this.calls.push(call);
          try {
            const result = await value.apply(object, args);
            call.response = asRecorded(result);
            return result;
          } catch (error) {
            call.error = { name: (error as Error).name ?? 'Error', message: (error as Error).message ?? String(error) };
            throw error;
          }
        };
      },
    });
  }
}
