/**
 * The textual forms a secret commonly takes on its way into a log line or event: as is,
 * JSON-escaped, URL-encoded (path, query, form) and base64 (standard and URL-safe).
 *
 * Base64 of a secret embedded in a longer payload (e.g. `Basic base64("user:" + secret)`)
 * does not contain base64(secret), because base64 works in 3-byte groups: the encoding depends
 * on the secret's offset mod 3. For each of the three offsets we keep the characters determined by
 * the secret's bytes alone, so the secret is found wherever it sits in the encoded payload.
 */
export function secretForms(secret: string): string[] {
  const forms = new Set<string>([secret, JSON.stringify(secret).slice(1, -1)]);
  const component = encodeURIComponent(secret);
  forms.add(component).add(component.replace(/%20/g, '+')).add(encodeURI(secret));
  const bytes = Buffer.from(secret, 'utf8');
  forms.add(bytes.toString('base64'));
  for (const shift of [0, 1, 2]) forms.add(base64Core(bytes, shift));
  for (const form of [...forms]) if (/[+/=]/.test(form) && /^[A-Za-z0-9+/=]+$/.test(form)) forms.add(toBase64Url(form));
  return [...forms];
}

/** The base64 characters fixed by `bytes` alone when `shift` unknown bytes precede them. */
function base64Core(bytes: Buffer, shift: number): string {
  const encoded = Buffer.concat([Buffer.alloc(shift), bytes]).toString('base64');
  const first = Math.ceil((8 * shift) / 6);
  const end = Math.floor((8 * (shift + bytes.length)) / 6);
  return encoded.slice(first, end);
}

const toBase64Url = (base64: string): string => base64.replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
