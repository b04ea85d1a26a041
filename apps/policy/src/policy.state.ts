import { ActiveKillSwitch } from '@agentos/contracts';
import { JetStreamClientProxy, followKv, type NatsConnector } from '@agentos/messaging';
import { CompiledPolicy, parsePolicyBundle } from '@agentos/policy-engine';
import { readFileSync } from 'node:fs';
import { ServiceContext } from '@agentos/service-host';
import { Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import type { KV, KvEntry } from 'nats';
import { join } from 'node:path';

const DEFAULT_BUNDLE = join(__dirname, '../../../config/policy/default.yaml');
const POLICY_BUCKET = 'agentos_policy';
const KILL_SWITCH_BUCKET = 'agentos_kill_switches';
const BUNDLE_KEY = 'bundle';

const killSwitchKey = (scope: string, target: string) => `${scope}.${Buffer.from(target).toString('base64url')}`;

/**
 * The policy in force and the kill switches, kept in JetStream KV so they survive restarts and
 * every policy instance follows the same ones: each watches the buckets and swaps in changes.
 */
@Injectable()
export class PolicyState implements OnModuleInit, OnModuleDestroy {
  private compiled!: CompiledPolicy;
  private source = '';
  private readonly switches = new Map<string, ActiveKillSwitch>();
  private readonly watches: { stop(): void }[] = [];
  private readonly connector: NatsConnector;

  constructor(bus: JetStreamClientProxy, private readonly service: ServiceContext) {
    this.connector = bus.unwrap<NatsConnector>();
  }

  get policy(): CompiledPolicy {
    return this.compiled;
  }

  /** The YAML of the bundle in force. */
  get yaml(): string {
    return this.source;
  }

  get killSwitches(): ActiveKillSwitch[] {
    return [...this.switches.values()];
  }

  async onModuleInit(): Promise<void> {
    const bundles = await this.bundles();
    const stored = await bundles.get(BUNDLE_KEY);
    // A published bundle outlives restarts; the file is only the first-boot default.
    const path = this.service.env.AGENTOS_POLICY_BUNDLE ?? DEFAULT_BUNDLE;
    this.adopt(stored?.operation === 'PUT' ? stored.string() : readFileSync(path, 'utf8'), stored?.operation === 'PUT' ? 'stored bundle' : path);
    await this.follow(bundles, BUNDLE_KEY, (entry) => {
      if (entry.operation === 'PUT') this.adopt(entry.string(), 'stored bundle');
    });
    const kills = await this.killSwitchBucket();
    await this.follow(kills, '>', (entry) => {
      if (entry.operation === 'PUT') this.switches.set(entry.key, ActiveKillSwitch.parse(entry.json()));
      else this.switches.delete(entry.key);
    });
  }

  private adopt(yaml: string, source: string): void {
    this.compiled = new CompiledPolicy(parsePolicyBundle(yaml, source));
    this.source = yaml;
  }

  async onModuleDestroy(): Promise<void> {
    this.watches.forEach((watch) => watch.stop());
  }

  async publishBundle(yaml: string): Promise<void> {
    await (await this.bundles()).put(BUNDLE_KEY, yaml);
  }

  async activate(kill: ActiveKillSwitch): Promise<void> {
    await (await this.killSwitchBucket()).put(killSwitchKey(kill.scope, kill.target), JSON.stringify(kill));
  }

  async release(scope: string, target: string): Promise<void> {
    await (await this.killSwitchBucket()).delete(killSwitchKey(scope, target));
  }

  private bundles(): Promise<KV> {
    return this.connector.kv(POLICY_BUCKET);
  }

  private killSwitchBucket(): Promise<KV> {
    return this.connector.kv(KILL_SWITCH_BUCKET);
  }

  /** Applies the current values (resolving once they are in), then every change, until the module stops. */
  private async follow(kv: KV, key: string, apply: (entry: KvEntry) => void): Promise<void> {
    this.watches.push(await followKv(kv, key, apply, (error, entry) => this.service.log.error({ err: error, key: entry.key }, 'ignored an invalid stored policy value')));
  }
}
