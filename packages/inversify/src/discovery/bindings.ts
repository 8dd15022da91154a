// Reading a container's bindings. Inversify 7 has no public listing, so a tiny plugin (the
// supported extension point) keeps the container's binding service for us; we only read it.
import type { Container } from 'inversify';
import type { ServiceIdentifier } from 'inversify';
import { Plugin, type PluginContext } from '@inversifyjs/plugin';

const contexts = new WeakMap<Container, PluginContext>();

class BindingsPlugin extends Plugin<Container> {
  constructor(container: Container, context: PluginContext) {
    super(container, context);
    contexts.set(container, context);
  }

  load(): void {
    // Nothing to add to the container: the constructor kept the context.
  }
}

export interface ClassBinding {
  serviceIdentifier: ServiceIdentifier;
  implementationType: new (...args: never[]) => unknown;
  /** Other bindings share this service identifier (multi-injection): resolve with getAll. */
  shared: boolean;
}

/** Every class binding (`bind(X).toSelf()`, `bind(TOKEN).to(X)`) of the container. */
export function classBindings(container: Container): ClassBinding[] {
  if (!contexts.has(container)) container.register(BindingsPlugin);
  const { bindingService } = contexts.get(container)!;
  const out: ClassBinding[] = [];
  for (const serviceIdentifier of bindingService.getBoundServices()) {
    const bindings = [...(bindingService.get(serviceIdentifier) ?? [])];
    for (const binding of bindings) {
      if (binding.type === 'Instance') {
        out.push({ serviceIdentifier, implementationType: binding.implementationType as ClassBinding['implementationType'], shared: bindings.length > 1 });
      }
    }
  }
  return out;
}
