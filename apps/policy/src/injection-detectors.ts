import { ruleDetector, type DetectorName, type InjectionDetector } from '@agentos/policy-engine';
import { Injectable } from '@nestjs/common';

/** The detectors this policy instance can run; the bundle in force picks which of them screen. */
@Injectable()
export class InjectionDetectors {
  private readonly available = new Map<DetectorName, InjectionDetector>([['rules', ruleDetector]]);

  /** The bundle's detectors this instance has; a classifier without a model file is skipped. */
  pick(names: readonly DetectorName[]): InjectionDetector[] {
    return names.flatMap((name) => this.available.get(name) ?? []);
  }
}
