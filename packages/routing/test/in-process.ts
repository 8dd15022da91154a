// A NameServer on an in-process server, and clients for it: the processors run exactly as over TCP,
// without sockets.
import { InProcessNetwork, InProcessRemotingClient, InProcessRemotingServer } from '@pulsejet/remoting';
import { NameServer } from '../src/name-server';
import type { NameServerOptions } from '../src/options';

export interface InProcessNameServer {
  network: InProcessNetwork;
  server: InProcessRemotingServer;
  nameServer: NameServer;
  address: string;
  client(): InProcessRemotingClient;
  close(): Promise<void>;
}

export async function startInProcessNameServer(options: NameServerOptions = {}, network = new InProcessNetwork(), address = '127.0.0.1:9876'): Promise<InProcessNameServer> {
  const server = new InProcessRemotingServer(network, { address, log: () => undefined });
  const nameServer = new NameServer(options);
  nameServer.attach(server);
  await nameServer.start();
  await server.start();
  const clients: InProcessRemotingClient[] = [];
  return {
    network,
    server,
    nameServer,
    address,
    client: () => {
      const client = new InProcessRemotingClient(network, { log: () => undefined });
      clients.push(client);
      return client;
    },
    close: async () => {
      await Promise.all(clients.map((c) => c.close()));
      await server.close();
      await nameServer.close();
    },
  };
}
