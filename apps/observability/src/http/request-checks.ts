import type { IncomingMessage } from 'node:http';

const MAX_BODY = 64 * 1024;

/** AGENTOS_OBSERVABILITY_ORIGINS: comma-separated origins (scheme://host[:port]) allowed besides the server's own. */
export function allowedOrigins(value: string | undefined): Set<string> {
  const origins = (value ?? '').split(',').map((o) => o.trim()).filter(Boolean);
  return new Set(
    origins.map((origin) => {
      const parsed = URL.canParse(origin) ? new URL(origin) : undefined;
      if (!parsed || parsed.origin === 'null') throw new Error(`AGENTOS_OBSERVABILITY_ORIGINS: "${origin}" is not an origin (scheme://host[:port])`);
      return parsed.origin;
    }),
  );
}

/**
 * A browser names the page that sent a request in Origin: a state change is accepted from this server's
 * own page or a listed origin, never from another site (cross-site form posts carry their site's origin,
 * sandboxed ones "null"). Clients that are not browsers send no Origin.
 */
export function crossSiteRefusal(request: IncomingMessage, allowed: Set<string>): string | undefined {
  const origin = request.headers.origin;
  if (origin === undefined || allowed.has(origin)) return undefined;
  const own = URL.canParse(origin) && new URL(origin).host === request.headers.host;
  return own ? undefined : `origin ${origin} may not change state here (AGENTOS_OBSERVABILITY_ORIGINS lists the others allowed)`;
}

/** Forms can only send text/plain, urlencoded or multipart bodies without a CORS preflight; JSON cannot be forged that way. */
export const isJson = (request: IncomingMessage): boolean => request.headers['content-type']?.split(';')[0].trim().toLowerCase() === 'application/json';

/** The request's body as text, refusing more than 64 KiB. */
export async function readBody(request: IncomingMessage): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) return undefined;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}
