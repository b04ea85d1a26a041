import { Controller, Get, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from '../http/express';
import { GatewayContext } from '../gateway-context';

/**
 * /livez: 200 while the process runs (also while NATS is down: restarting would not bring it back); /readyz: 200
 * only while the gateway's NATS connection is up and it is not draining, else 503, the state as JSON either way.
 */
@ApiExcludeController()
@Controller()
export class HealthController {
  constructor(private readonly context: GatewayContext) {}

  @Get('livez')
  live(): { status: string } {
    return { status: 'ok' };
  }

  @Get('readyz')
  ready(@Res() response: Response): void {
    const state = this.context.readiness.state();
    response.status(state.ready ? 200 : 503).json(state);
  }
}
