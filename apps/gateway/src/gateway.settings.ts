import { port, text } from '@agentos/config';
import { serviceSettings } from '@agentos/service-host';
import type { z } from 'zod';

export const DEFAULT_GATEWAY_PORT = 8080;

export const gatewaySettings = serviceSettings.extend({
  /** The HTTP API, /openapi.json, /livez and /readyz; 0 picks a free port. */
  AGENTOS_GATEWAY_PORT: port(DEFAULT_GATEWAY_PORT),
  AGENTOS_GATEWAY_HOST: text('127.0.0.1'),
  /** JSON file of bearer-token hashes, each naming the principal it acts as (checked at start). Unset: every /v1 route answers 401. */
  AGENTOS_GATEWAY_TOKENS_FILE: text(),
});

export type GatewaySettings = z.output<typeof gatewaySettings>;
