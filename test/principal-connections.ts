import { NatsConnector } from '@agentos/messaging';
import type { NatsServerHandle } from '@agentos/testing';

/** Connections made as a server's principals (its `credentials`, by user name), all closed together at the end. */
export function principalConnections(nats: () => NatsServerHandle) {
  const open: NatsConnector[] = [];
  return {
    as(user: string): NatsConnector {
      const credentials = nats().credentials?.[user];
      if (!credentials) throw new Error(`no user ${user}`);
      const connector = new NatsConnector({ servers: nats().url, name: `test-as-${user}`, ...credentials });
      open.push(connector);
      return connector;
    },
    closeAll: () => Promise.all(open.map((connector) => connector.close())),
  };
}
