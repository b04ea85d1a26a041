import 'reflect-metadata';
import { startNatsServer, type NatsServerHandle } from '@agentos/testing';
import { Controller, Module, type Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { EventPattern, MessagePattern } from '@nestjs/microservices';
import { NatsConnector } from '../connection';
import { JetStreamServer } from './jetstream.server';

@Controller()
class UnknownTypeHandlers {
  @EventPattern('LaunchMissiles')
  handle() {}
}

@Controller()
class QueryAsEventHandlers {
  @EventPattern('FindAgents')
  handle() {}
}

@Controller()
class EventAsQueryHandlers {
  @MessagePattern('TaskCompleted')
  handle() {}
}

describe('JetStreamServer wiring', () => {
  let nats: NatsServerHandle;
  beforeAll(async () => {
    nats = await startNatsServer();
  });
  afterAll(async () => {
    await nats.stop();
  });

  const boot = async (controller: Type<unknown>) => {
    @Module({ controllers: [controller] })
    class TestModule {}
    const app = await NestFactory.createMicroservice(TestModule, {
      strategy: new JetStreamServer({ connector: new NatsConnector({ servers: nats.url, name: 'wiring-spec' }), service: 'wiring' }),
      logger: false,
    });
    try {
      await app.listen();
    } finally {
      await app.close();
    }
  };

  it.each([
    [UnknownTypeHandlers, 'handler pattern "LaunchMissiles" is not a message type of the contracts catalog'],
    [QueryAsEventHandlers, 'FindAgents is a query: handle it with @MessagePattern'],
    [EventAsQueryHandlers, 'TaskCompleted is stream-backed (event): handle it with @EventPattern'],
  ])('refuses to start a handler the contracts do not allow (%p)', async (controller, message) => {
    await expect(boot(controller)).rejects.toThrow(message);
  });

  it('says its last words on the open connection once the handlers are done, then closes it for good', async () => {
    @Module({})
    class EmptyModule {}
    const connector = new NatsConnector({ servers: nats.url, name: 'last-words-spec' });
    const said: string[] = [];
    const app = await NestFactory.createMicroservice(EmptyModule, {
      strategy: new JetStreamServer({
        connector,
        service: 'last-words',
        beforeDisconnect: async () => {
          const nc = await connector.connection$();
          said.push(nc.isClosed() ? 'closed' : 'open');
        },
      }),
      logger: false,
    });
    await app.listen();
    const connection = await connector.connection$();
    await app.close();
    expect(said).toEqual(['open']);
    expect(connection.isClosed()).toBe(true);
  });
});
