import type { JsonObject, Saveable } from './interfaces';

/** Builds an instance from its JSON config (weights are assigned afterwards). */
export type ClassFactory<T extends Saveable = Saveable> = (config: JsonObject) => T;

const factories = new Map<string, ClassFactory>();

/**
 * Registers a class under a name so `createFromConfig(name, config)` can rebuild it when a
 * saved model is loaded. Registering the same name twice with a different factory is an error,
 * because two packages fighting over one name would load the wrong class silently.
 */
export function registerClass<T extends Saveable>(className: string, factory: ClassFactory<T>): void {
  const existing = factories.get(className);
  if (existing && existing !== factory) {
    throw new Error(`registerClass: "${className}" is already registered with a different factory`);
  }
  factories.set(className, factory as ClassFactory);
}

export function isRegistered(className: string): boolean {
  return factories.has(className);
}

export function registeredClasses(): string[] {
  return [...factories.keys()].sort();
}

/** Rebuilds an instance from its class name and config; names the class when it is unknown. */
export function createFromConfig<T extends Saveable = Saveable>(className: string, config: JsonObject): T {
  const factory = factories.get(className);
  if (!factory) {
    const known = registeredClasses();
    throw new Error(
      `createFromConfig: no class registered as "${className}"` +
        (known.length ? ` (registered: ${known.join(', ')})` : '') +
        '. Import the package that defines it before loading the model.',
    );
  }
  return factory(config) as T;
}
