// A jest environment for tests of native modules (onnxruntime-node): the module hands back typed arrays made in
// Node's own realm, which fail `instanceof` checks against the sandbox's constructors. Sharing the constructors
// makes both realms agree, as they do outside jest.
import type { EnvironmentContext, JestEnvironmentConfig } from '@jest/environment';
import { TestEnvironment } from 'jest-environment-node';

const TYPED_ARRAYS = ['Float32Array', 'Float64Array', 'Int8Array', 'Int16Array', 'Int32Array', 'Uint8Array', 'Uint8ClampedArray', 'Uint16Array', 'Uint32Array', 'BigInt64Array', 'BigUint64Array'];

export default class NativeTypedArraysEnvironment extends TestEnvironment {
  constructor(config: JestEnvironmentConfig, context: EnvironmentContext) {
    super(config, context);
    const sandbox = this.global as unknown as Record<string, unknown>;
    for (const name of TYPED_ARRAYS) sandbox[name] = (globalThis as unknown as Record<string, unknown>)[name];
  }
}
