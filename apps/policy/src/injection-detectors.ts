import { onnxClassifier, ruleDetector, type DetectorName, type InjectionDetector } from '@agentos/policy-engine';
import { ServiceContext } from '@agentos/service-host';
import { Injectable, type OnModuleInit } from '@nestjs/common';
import type { PolicySettings } from './policy.settings';

/** The detectors this policy instance can run; the bundle in force picks which of them screen. */
@Injectable()
export class InjectionDetectors implements OnModuleInit {
  private readonly available = new Map<DetectorName, InjectionDetector>([['rules', ruleDetector]]);
  /** Detectors a bundle asked for that this instance lacks: warned about once each. */
  private readonly missing = new Set<DetectorName>();

  constructor(private readonly service: ServiceContext<PolicySettings>) {}

  /** A model that cannot be loaded stops the service at start, naming the file: better than screening without it. */
  async onModuleInit(): Promise<void> {
    const model = this.service.settings.AGENTOS_INJECTION_MODEL;
    if (!model) return;
    this.available.set('classifier', await onnxClassifier(model));
    this.service.log.info({ event: 'screening.classifier', model }, 'prompt-injection classifier loaded');
  }

  /** The bundle's detectors this instance has: a bundle naming `classifier` where no model is configured gets the others. */
  pick(names: readonly DetectorName[]): InjectionDetector[] {
    return names.flatMap((name) => {
      const detector = this.available.get(name);
      if (!detector && !this.missing.has(name)) {
        this.missing.add(name);
        this.service.log.warn({ event: 'screening.detector-missing', detector: name }, `the policy bundle names the ${name} detector, which this instance does not have (AGENTOS_INJECTION_MODEL unset): screening without it`);
      }
      return detector ?? [];
    });
  }
}
