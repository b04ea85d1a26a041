import type { ValidationIssue } from '@agentos/contracts';

/**
 * An RFC 9457 problem: every error the gateway answers is `application/problem+json` with a type, a title, the
 * status, a detail and, for a request that failed validation, each field's problem (`errors`).
 */
export class Problem extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    readonly detail: string,
    readonly errors?: ValidationIssue[],
  ) {
    super(detail);
    this.name = 'Problem';
  }

  /** The problem type: a stable URI per title, documented in the README's gateway section. */
  get type(): string {
    return `https://agentos.dev/problems/${this.title.toLowerCase().replace(/[^a-z0-9]+/g, '-')}`;
  }

  body(instance: string): Record<string, unknown> {
    return { type: this.type, title: this.title, status: this.status, detail: this.detail, instance, ...(this.errors ? { errors: this.errors } : {}) };
  }
}

export const invalidRequest = (errors: ValidationIssue[]) =>
  new Problem(400, 'Invalid request', errors.map((e) => `${e.path}: ${e.message}`).join('; '), errors);
export const notFound = (what: string) => new Problem(404, 'Not found', what);
export const conflict = (detail: string) => new Problem(409, 'Conflict', detail);
