// The example's container: Pulsejet's module plus the three services.
import { Container, type ContainerModule } from 'inversify';
import { Billing } from './billing';
import { Notifications } from './notifications';
import { OrderService } from './orders';
import { OUTPUT, type Output } from './output';

export function createExampleContainer(pulsejet: ContainerModule, output: Output): Container {
  const container = new Container();
  container.loadSync(pulsejet);
  container.bind(OUTPUT).toConstantValue(output);
  container.bind(OrderService).toSelf().inSingletonScope();
  container.bind(Billing).toSelf().inSingletonScope();
  container.bind(Notifications).toSelf().inSingletonScope();
  return container;
}
