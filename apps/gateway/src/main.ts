import { runGateway } from './start-gateway';

runGateway();
