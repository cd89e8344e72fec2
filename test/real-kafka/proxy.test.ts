/** The switchable TCP proxy of the real Kafka clusters, against a plain echo server (no Kafka needed). */
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { KafkaProxy } from '../../src/playground/real/kafka/proxy.js';
import { until } from './helpers.js';

let echo: Server;
let echoPort: number;
let proxy: KafkaProxy;
const sockets: Socket[] = [];

beforeEach(async () => {
  echo = createServer((s) => {
    // The proxy resets upstream connections on refuse: the echo side sees ECONNRESET.
    s.on('error', () => s.destroy());
    s.pipe(s);
  });
  await new Promise<void>((r) => echo.listen(0, '127.0.0.1', r));
  echoPort = (echo.address() as AddressInfo).port;
  proxy = await KafkaProxy.start('test', { target: { host: '127.0.0.1', port: echoPort } });
});

afterEach(async () => {
  for (const s of sockets) s.destroy();
  sockets.length = 0;
  await proxy.close();
  await new Promise<void>((r) => echo.close(() => r()));
});

/** A client of the proxy that collects what comes back and how it ended. */
async function open(): Promise<{ socket: Socket; received: () => string; ended: () => string | undefined }> {
  const socket = connect({ host: '127.0.0.1', port: proxy.port });
  sockets.push(socket);
  let data = '';
  let end: string | undefined;
  socket.on('data', (chunk) => (data += chunk.toString()));
  socket.on('error', (err: NodeJS.ErrnoException) => (end = err.code));
  socket.on('close', () => (end ??= 'closed'));
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  return { socket, received: () => data, ended: () => end };
}

function refusedCode(port: number): Promise<string | undefined> {
  return new Promise((resolve) => {
    const s = connect({ host: '127.0.0.1', port });
    s.once('connect', () => {
      s.destroy();
      resolve(undefined);
    });
    s.once('error', (err: NodeJS.ErrnoException) => resolve(err.code));
  });
}

describe('KafkaProxy', () => {
  it('forwards both ways, and counts connections', async () => {
    const c = await open();
    c.socket.write('ping');
    await until('echo', () => (c.received() === 'ping' ? true : undefined), 5000);
    expect(proxy.mode).toBe('forward');
    expect(proxy.connections).toEqual({ open: 1, accepted: 1 });
    expect(proxy.address).toBe(`127.0.0.1:${proxy.port}`);
  });

  it('refuse: resets open connections and refuses new ones on the same port; forward listens again', async () => {
    const c = await open();
    c.socket.write('a');
    await until('echo', () => (c.received() === 'a' ? true : undefined), 5000);
    await proxy.setMode('refuse');
    expect(await until('reset', c.ended, 5000)).toBe('ECONNRESET');
    expect(proxy.connections.open).toBe(0);
    expect(await refusedCode(proxy.port)).toBe('ECONNREFUSED');

    await proxy.setMode('forward');
    const again = await open();
    again.socket.write('b');
    await until('echo after refuse', () => (again.received() === 'b' ? true : undefined), 5000);
  });

  it('drop: holds open and new connections silent, then delivers what waited, in order', async () => {
    const c = await open();
    c.socket.write('1');
    await until('echo', () => (c.received() === '1' ? true : undefined), 5000);
    await proxy.setMode('drop');
    c.socket.write('2');
    const late = await open(); // accepted, but not forwarded
    late.socket.write('x');
    await new Promise((r) => setTimeout(r, 300));
    expect(c.received()).toBe('1');
    expect(late.received()).toBe('');
    expect(c.ended()).toBeUndefined();

    await proxy.setMode('forward');
    c.socket.write('3');
    await until('held bytes delivered', () => (c.received() === '123' ? true : undefined), 5000);
    await until('late connection forwarded', () => (late.received() === 'x' ? true : undefined), 5000);
    expect(proxy.connections).toEqual({ open: 2, accepted: 2 });
  });

  it('passes a half-close on and closes when the server closes', async () => {
    const c = await open();
    c.socket.write('bye');
    c.socket.end();
    expect(await until('closed', c.ended, 5000)).toBe('closed');
    expect(c.received()).toBe('bye');
    await until('pair forgotten', () => (proxy.connections.open === 0 ? true : undefined), 5000);
  });

  it('close() ends every connection and frees the port; setMode then fails', async () => {
    const c = await open();
    await proxy.close();
    expect(await until('closed', c.ended, 5000)).toBe('closed');
    expect(await refusedCode(proxy.port)).toBe('ECONNREFUSED');
    await expect(proxy.setMode('drop')).rejects.toThrow('proxy test is closed');
  });
});
