import { Events, type NatsConnection } from 'nats';

export interface ReadinessState {
  ready: boolean;
  /** The service's consumers and responders are pulling and answering. */
  started: boolean;
  nats: 'connected' | 'disconnected';
  draining: boolean;
}

/** Whether the service should get work: started, connected to NATS right now, and not shutting down. */
export class Readiness {
  private started = false;
  private draining = false;
  private connected = (): boolean => false;

  /** Follows the connection's status: down from a disconnect until the reconnect, and for good once closed. */
  watch(nc: NatsConnection): void {
    let up = true;
    this.connected = () => up && !nc.isClosed();
    void (async () => {
      for await (const status of nc.status()) {
        if (status.type === Events.Disconnect) up = false;
        else if (status.type === Events.Reconnect) up = true;
      }
    })();
  }

  markStarted(): void {
    this.started = true;
  }

  /** From now on readiness fails, so the container platform stops sending work (on SIGTERM). */
  markDraining(): void {
    this.draining = true;
  }

  state(): ReadinessState {
    const connected = this.connected();
    return { ready: this.started && connected && !this.draining, started: this.started, nats: connected ? 'connected' : 'disconnected', draining: this.draining };
  }
}
