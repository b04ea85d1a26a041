import { createAccount, createUser, encodeUser, fmtCreds } from 'nats-jwt';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { credsUser, inboxPrefixFor, natsSettingsFromEnv } from './connection';

describe('NATS credentials files', () => {
  let dir: string;
  beforeAll(() => (dir = mkdtempSync(join(tmpdir(), 'agentos-creds-'))));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("reads the principal's user from the JWT's name, for the inbox prefix the permissions allow", async () => {
    const user = createUser();
    const creds = join(dir, 'orchestrator.creds');
    writeFileSync(creds, fmtCreds(await encodeUser('orchestrator', user, createAccount()), user));
    expect(credsUser(creds)).toBe('orchestrator');
    expect(inboxPrefixFor(credsUser(creds))).toBe('_INBOX.orchestrator');
    expect(natsSettingsFromEnv('orchestrator', { NATS_CREDS: creds })).toMatchObject({ creds });
    expect(natsSettingsFromEnv('orchestrator', {})).not.toHaveProperty('creds');
  });

  it('names the file that is not a credentials file', () => {
    const file = join(dir, 'password.txt');
    writeFileSync(file, 'hunter2');
    expect(() => credsUser(file)).toThrow(`${file} is not a NATS credentials file`);
  });
});
