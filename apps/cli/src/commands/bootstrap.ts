import { parseSettings } from '@agentos/config';
import { bootstrapTopology, natsEnvironment } from '@agentos/messaging';
import type { Output } from '../output';
import type { Session } from '../session';

/**
 * Creates or updates every AgentOS stream and KV bucket (as the NATS admin: nobody else may). Replicas
 * from --replicas or AGENTOS_STREAM_REPLICAS; neither given, existing streams keep their count, so a
 * forgotten flag never scales a cluster down.
 */
export async function bootstrap(session: Session, replicasFlag: string | undefined, out: Output): Promise<number> {
  const given = replicasFlag ?? process.env.AGENTOS_STREAM_REPLICAS;
  const replicas = given === undefined ? undefined : parseSettings(natsEnvironment.pick({ AGENTOS_STREAM_REPLICAS: true }), { AGENTOS_STREAM_REPLICAS: given }).AGENTOS_STREAM_REPLICAS;
  const steps = await bootstrapTopology(session.connector, { replicas });
  out.data(steps);
  for (const { stream, outcome } of steps) out.line(`${outcome.padEnd(9)} ${stream}`);
  return 0;
}
