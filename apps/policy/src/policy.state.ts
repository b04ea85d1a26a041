import { ActiveKillSwitch } from '@agentos/contracts';
import { JetStreamClientProxy, followKv, type NatsConnector } from '@agentos/messaging';
import { CompiledPolicy, parsePolicyBundle } from '@agentos/policy-engine';
import { ServiceContext } from '@agentos/service-host';
import { Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import type { KV, KvEntry } from 'nats';
import { readFileSync } from 'node:fs';
import { chooseBundle, sha256 } from './bundle-precedence';
import type { PolicySettings } from './policy.settings';

const POLICY_BUCKET = 'agentos_policy';
const KILL_SWITCH_BUCKET = 'agentos_kill_switches';
const BUNDLE_KEY = 'bundle';
/** The sha256 of AGENTOS_POLICY_BUNDLE when it was last put in force: a change puts the file back in force. */
const FILE_SHA_KEY = 'file-sha256';

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

  constructor(bus: JetStreamClientProxy, private readonly service: ServiceContext<PolicySettings>) {
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
    await this.adoptAtStart(bundles);
    await this.follow(bundles, BUNDLE_KEY, (entry) => {
      if (entry.operation !== 'PUT' || entry.string() === this.source) return;
      this.adopt(entry.string(), 'stored bundle');
      this.service.log.info({ event: 'policy.bundle', source: 'published', version: this.compiled.bundle.version }, 'a published policy bundle is in force');
    });
    const kills = await this.killSwitchBucket();
    await this.follow(kills, '>', (entry) => {
      if (entry.operation === 'PUT') this.switches.set(entry.key, ActiveKillSwitch.parse(entry.json()));
      else this.switches.delete(entry.key);
    });
  }

  /** The file or the published bundle (chooseBundle decides), logged with why; the file, once chosen, is published for every instance. */
  private async adoptAtStart(bundles: KV): Promise<void> {
    const path = this.service.settings.AGENTOS_POLICY_BUNDLE;
    const file = readFileSync(path, 'utf8');
    const valueOf = (entry: KvEntry | null) => (entry?.operation === 'PUT' ? entry.string() : undefined);
    const published = valueOf(await bundles.get(BUNDLE_KEY));
    const fileShaInForce = valueOf(await bundles.get(FILE_SHA_KEY));
    const choice = chooseBundle({ file, published, fileShaInForce });
    if (choice.source === 'published' && published !== undefined) {
      this.adopt(published, 'stored bundle');
    } else {
      this.adopt(file, path);
      if (published !== file) await bundles.put(BUNDLE_KEY, file);
    }
    if (choice.source === 'file' || fileShaInForce === undefined) await bundles.put(FILE_SHA_KEY, sha256(file));
    this.service.log.info({ event: 'policy.bundle', source: choice.source, file: path, version: this.compiled.bundle.version, reason: choice.reason }, `policy bundle in force: ${choice.source}`);
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
