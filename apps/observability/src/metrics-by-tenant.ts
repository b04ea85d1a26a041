import { SYSTEM_TENANT, type AnyMessage, type ReplyOf } from '@agentos/contracts';
import { Injectable } from '@nestjs/common';
import { Metrics } from './metrics';

/**
 * The dashboard's numbers as one tenant may see them: a Metrics of its own per tenant, fed the same
 * events as the global one (which alone goes to Prometheus). Tenants are few, so the map stays small.
 */
@Injectable()
export class MetricsByTenant {
  private readonly tenants = new Map<string, Metrics>();
  private readonly none = new Metrics();

  constructor(private readonly all: Metrics) {}

  record(message: AnyMessage): void {
    let metrics = this.tenants.get(message.tenant);
    if (!metrics) this.tenants.set(message.tenant, (metrics = new Metrics()));
    metrics.record(message);
  }

  /** The snapshot of one tenant, or of all for the platform (`system`); a tenant with no events yet sees zeros. */
  snapshot(tenant: string): Promise<ReplyOf<'GetMetrics'>> {
    if (tenant === SYSTEM_TENANT) return this.all.snapshot();
    return (this.tenants.get(tenant) ?? this.none).snapshot();
  }
}
