import type { UserRole } from '@agentos/identity';
import { applyDecorators, type INestApplication } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiHeader, ApiOperation, ApiResponse, DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import type { SchemaObject } from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';
import { z } from 'zod';
import { ProblemBody } from './api-schemas';

/** A zod schema as the JSON Schema (2020-12, which OpenAPI 3.1 uses) of a request (`input`) or a response (`output`). */
export function jsonSchemaOf(schema: z.ZodType, io: 'input' | 'output'): SchemaObject {
  // OpenAPI 3.1's dialect is 2020-12 already: the schema's own $schema would only repeat it.
  const json = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as Record<string, unknown>;
  delete json.$schema;
  return json as SchemaObject;
}

const PROBLEM_TITLES: Record<number, string> = {
  400: 'invalid request: every field problem in `errors`',
  401: 'no or unknown bearer token',
  403: 'the role or tenant may not do this',
  404: 'unknown run (or another tenant’s)',
  409: 'Idempotency-Key reused for another request, or the run is not in a state for this',
  413: 'body too large',
  415: 'body not application/json',
  503: 'NATS or a service did not answer',
};

export interface RouteSpec {
  summary: string;
  /** The roles the route admits (the token's role). */
  roles: readonly UserRole[];
  body?: z.ZodType;
  ok: { status: number; schema?: z.ZodType; media?: string; description?: string };
  problems: number[];
  /** Honours Idempotency-Key. */
  idempotent?: boolean;
}

/** A route's OpenAPI description from the same zod schemas that check its requests. */
export function Route(spec: RouteSpec): MethodDecorator {
  const decorators = [
    ApiOperation({ summary: spec.summary, description: `Roles: ${spec.roles.join(', ')}.` }),
    ApiBearerAuth(),
    ApiResponse({
      status: spec.ok.status,
      description: spec.ok.description ?? 'success',
      content: { [spec.ok.media ?? 'application/json']: { schema: spec.ok.schema ? jsonSchemaOf(spec.ok.schema, 'output') : { type: 'string' } } },
    }),
    ...[401, 503, ...spec.problems].map((status) =>
      ApiResponse({ status, description: PROBLEM_TITLES[status] ?? 'problem', content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } } }),
    ),
  ];
  if (spec.body) {
    decorators.push(ApiBody({ required: false, schema: jsonSchemaOf(spec.body, 'input') }));
  }
  if (spec.idempotent) decorators.push(ApiHeader({ name: 'Idempotency-Key', required: false, description: 'the same key and body return the first answer; another body is a 409 (kept a day, per principal)' }));
  return applyDecorators(...decorators);
}

/** The OpenAPI 3.1 document of the running app's routes. */
export function openApiDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setOpenAPIVersion('3.1.0')
    .setTitle('AgentOS gateway')
    .setDescription('The HTTP control plane of AgentOS. Every route acts on NATS as the principal its bearer token names.')
    .setVersion('1')
    .addBearerAuth()
    .build();
  const document = SwaggerModule.createDocument(app, config);
  document.components = { ...document.components, schemas: { ...document.components?.schemas, Problem: jsonSchemaOf(ProblemBody, 'output') } };
  return document;
}
