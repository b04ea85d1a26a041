import { CATALOG, type MessageType } from '@agentos/contracts';
import type { z } from 'zod';
import { TENANT_DATA_FIELDS } from './tenant-data-fields';

/** Free-form fields of events that hold no tenant's data, each with why. */
const NOT_TENANT_DATA: Partial<Record<MessageType, Record<string, string>>> = {
  AgentRegistered: { inputSchema: "the agent's own JSON Schema, published by its owner", outputSchema: "the agent's own JSON Schema, published by its owner" },
  RunForked: { reusedLabels: 'information-flow labels by step: where content came from (origins and tool or step names), not the content' },
};

/** The type under optional/default/nullable/pipe wrappers. */
function baseType(schema: z.ZodType): string {
  let def = (schema as unknown as { _zod: { def: { type: string; innerType?: z.ZodType; in?: z.ZodType } } })._zod.def;
  while (['optional', 'default', 'nullable', 'pipe', 'prefault'].includes(def.type)) def = ((def.innerType ?? def.in) as unknown as { _zod: { def: typeof def } })._zod.def;
  return def.type;
}

describe('tenant data fields', () => {
  it('seal every free-form field of every recorded event (unknown or a record: whatever a tenant sends or an agent returns) unless it is known not to be tenant data', () => {
    const unsealed: string[] = [];
    for (const [type, spec] of Object.entries(CATALOG) as [MessageType, (typeof CATALOG)[MessageType]][]) {
      if (spec.kind !== 'event') continue;
      const shape = (spec.schema as unknown as { shape?: Record<string, z.ZodType> }).shape ?? {};
      for (const [field, schema] of Object.entries(shape)) {
        if (!['unknown', 'any', 'record'].includes(baseType(schema))) continue;
        if (TENANT_DATA_FIELDS[type]?.includes(field) || NOT_TENANT_DATA[type]?.[field]) continue;
        unsealed.push(`${type}.${field}`);
      }
    }
    expect(unsealed).toEqual([]);
  });

  it('name only fields the events have', () => {
    for (const [type, fields] of Object.entries(TENANT_DATA_FIELDS) as [MessageType, readonly string[]][]) {
      const shape = (CATALOG[type].schema as unknown as { shape: Record<string, unknown> }).shape;
      for (const path of fields) expect([type, Object.hasOwn(shape, path.split('[].')[0])]).toEqual([type, true]);
    }
  });
});
