import { toIssues, type AgentDescriptor, type ValidationIssue } from '@agentos/contracts';
import { z } from 'zod';

/** A reason names at most this many problems: an input of 256 KiB could otherwise yield a reason of megabytes. */
export const MAX_INPUT_PROBLEMS = 100;

/** Keywords whose values are data, not schemas: nothing inside them is a keyword. */
const DATA_KEYWORDS = new Set(['enum', 'const', 'default', 'examples']);

/**
 * The schema without its regular expressions. They are the agent's to check (its SDK parses the input with its own
 * schema): a pattern registered by a tenant's agent would otherwise run in the orchestrator, which serves every
 * tenant, where a catastrophically backtracking one could stall every run. Dropping a pattern only admits more,
 * so nothing valid is refused.
 */
function withoutPatterns(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(withoutPatterns);
  if (typeof schema !== 'object' || schema === null) return schema;
  return Object.fromEntries(
    Object.entries(schema)
      .filter(([key, value]) => !(key === 'pattern' && typeof value === 'string'))
      .map(([key, value]) => [key, DATA_KEYWORDS.has(key) ? value : withoutPatterns(value)]),
  );
}

/** Undefined for a schema zod cannot read (or keys it by regular expressions): the agent's own check still applies. */
function compile(schema: Record<string, unknown>): z.ZodType | undefined {
  if (JSON.stringify(schema).includes('"patternProperties"')) return undefined;
  try {
    // A registry of its own: the schema's descriptions are not kept in zod's global one.
    return z.fromJSONSchema(withoutPatterns(schema) as z.core.JSONSchema.JSONSchema, { registry: z.registry() });
  } catch {
    return undefined;
  }
}

/**
 * Step inputs checked against the input schema an agent version registered (AgentDescriptor.inputSchema, JSON
 * Schema). Each schema is compiled once per agent version and kept: an agent without a schema costs a property
 * read. A version registered again with another schema (it should not be) is compiled again.
 */
export class InputSchemaChecks {
  private readonly compiled = new Map<string, { schema: Record<string, unknown>; text: string; check?: z.ZodType }>();

  /** Every field-level problem of `input` for `agent` (paths under `input`), or none when it declares no schema. */
  problems(agent: AgentDescriptor, input: unknown): ValidationIssue[] {
    if (!agent.inputSchema) return [];
    const check = this.checkOf(`${agent.name}@${agent.version}`, agent.inputSchema);
    const parsed = check?.safeParse(input);
    return parsed && !parsed.success ? toIssues(parsed.error, 'input') : [];
  }

  private checkOf(key: string, schema: Record<string, unknown>): z.ZodType | undefined {
    const known = this.compiled.get(key);
    // The registry's answers are fresh objects each time: compare the text only when the object changed.
    if (known && (known.schema === schema || known.text === JSON.stringify(schema))) {
      known.schema = schema;
      return known.check;
    }
    const entry = { schema, text: JSON.stringify(schema), check: compile(schema) };
    this.compiled.set(key, entry);
    return entry.check;
  }
}

/** The reason a step fails for an input its agent's schema refuses: every problem, up to MAX_INPUT_PROBLEMS. */
export function describeInputProblems(agent: string, problems: readonly ValidationIssue[]): string {
  const listed = problems.slice(0, MAX_INPUT_PROBLEMS).map((p) => `${p.path}: ${p.message}`);
  const more = problems.length > MAX_INPUT_PROBLEMS ? `; and ${problems.length - MAX_INPUT_PROBLEMS} more` : '';
  return `input does not match the input schema ${agent} registered: ${listed.join('; ')}${more}`;
}
