import { Name, parseYamlDocument } from '@agentos/contracts';
import { readFileSync } from 'node:fs';
import { z } from 'zod';

/** YAML turns `PORT: 8080` or `DEBUG: true` into non-strings; an environment only holds strings. */
const EnvValue = z.union([z.string(), z.number(), z.boolean()]).transform(String);

/** How to start one kind of agent worker process. Strict: a misspelt key is an error, not a silent default. */
export const AgentTemplate = z.strictObject({
  /** The agent name the process registers as. */
  agent: Name,
  /** Executable to run; unset means the supervisor's own node binary (process.execPath). */
  command: z.string().min(1).optional(),
  args: z.array(z.string()).default([]),
  /** Working directory, resolved against the supervisor's `root` option. */
  cwd: z.string().min(1).default('.'),
  /** Merged over the supervisor's environment (which is merged over process.env). */
  env: z.record(z.string(), EnvValue).default({}),
  /** Cap on live instances (running, restarting or stopping) of this template. */
  maxInstances: z.number().int().min(1).default(10),
});
export type AgentTemplate = z.output<typeof AgentTemplate>;

/**
 * Template names prefix instance ids, which become NATS subject tokens: hence `Name`. The record's
 * own key error ("Invalid key in record") would drop the rule, so the message is given here.
 */
export const AgentTemplates = z.record(Name, AgentTemplate, {
  error: (issue) => (issue.code === 'invalid_key' ? 'template name must be a lower-case name (a-z, 0-9, _ or -), at most 64 characters' : undefined),
});
export type AgentTemplates = z.output<typeof AgentTemplates>;

const TemplatesDocument = z.strictObject({ templates: AgentTemplates });

/** Parses a templates document; errors carry `source:line:col`. Returns the `templates` map itself. */
export const parseTemplates = (text: string, source: string): AgentTemplates => parseYamlDocument(text, TemplatesDocument, source).templates;

export const loadTemplates = (path: string): AgentTemplates => parseTemplates(readFileSync(path, 'utf8'), path);
