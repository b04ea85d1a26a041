export const MEMORY_CONFIG = Symbol('MemoryConfig');
