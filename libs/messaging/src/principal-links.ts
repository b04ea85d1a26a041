import type { NatsConnection } from 'nats';
import { NatsConnector } from './connection';
import type { Log } from './log';
import { JetStreamClientProxy } from './nest/jetstream.client';

/** A person an HTTP face acts for: its user name, and the creds that principal was issued (none without NATS auth). */
export interface LinkedPrincipal {
  name: string;
  creds?: string;
}

interface Link {
  connector: NatsConnector;
  client: JetStreamClientProxy;
}

/**
 * The bus as a request's principal, for the HTTP faces (the gateway, the dashboard's kill switch). With NATS auth,
 * each principal's commands and queries go out on a connection opened with its own creds (one per principal, opened
 * on first use), so the broker, not the face, decides what it may publish, under which tenant and principal token,
 * and which replies it may hear: a bug or a forged header cannot make a submitter approve or reach another tenant.
 * Without auth (development) everything shares the face's own connection.
 */
export class PrincipalLinks {
  private readonly links = new Map<string, Link>();
  private readonly shared: Link;

  /** `face`: the face's own connection, and the name its principals' connections are known by (`<face>:<user>`). */
  constructor(
    private readonly connector: NatsConnector,
    private readonly face: string,
    private readonly log: Log,
  ) {
    this.shared = { connector, client: new JetStreamClientProxy(connector) };
  }

  client(principal: LinkedPrincipal): JetStreamClientProxy {
    return this.link(principal).client;
  }

  connection(principal: LinkedPrincipal): Promise<NatsConnection> {
    return this.link(principal).connector.connection$();
  }

  async close(): Promise<void> {
    await Promise.all([...this.links.values()].map((link) => link.client.close()));
  }

  private link(principal: LinkedPrincipal): Link {
    if (!principal.creds) return this.shared;
    let link = this.links.get(principal.name);
    if (!link) {
      const connector = new NatsConnector({ servers: this.connector.settings.servers, name: `${this.face}:${principal.name}`, creds: principal.creds }, this.log);
      link = { connector, client: new JetStreamClientProxy(connector) };
      this.links.set(principal.name, link);
    }
    return link;
  }
}
