import { runAgent } from '@agentos/agent-sdk';
import { createLogger } from '@agentos/service-host';
import { summariser } from './summariser.agent';

const log = createLogger('agent-summariser');
runAgent(summariser, { log }).then(
  (agent) => {
    const stop = () => void agent.stop().then(() => process.exit(0));
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
  },
  (error: Error) => {
    log.fatal({ err: error }, 'agent failed to start');
    process.exit(1);
  },
);
