import { it } from 'vitest';
import { createSlackAdapter } from '/work/main/src/adapters/slack/index.ts';
import { createHttpServer } from '/work/main/src/http/server.ts';
import { silentLogger } from '/work/main/src/log.ts';
import { RecordingInbox } from '/work/main/test/contract/adapter.contract.ts';
import { startFakeSlack } from '/work/main/test/helpers/fake-slack.ts';
it('measure', async () => {
  for (const mode of ['http', 'socket'] as const) {
    const fake = await startFakeSlack();
    const http = createHttpServer(silentLogger);
    const { url } = await http.listen(0, '127.0.0.1');
    const a = createSlackAdapter({ botToken: 'xoxb-m', apiUrl: fake.apiUrl, clientOptions: { retries: 0 }, ...(mode === 'http' ? { signingSecret: 's', http } : { appToken: 'xapp-m' }) });
    const t0 = performance.now();
    await a.start(new RecordingInbox());
    const startMs = performance.now() - t0;
    if (mode === 'http') fake.deliverOverHttp(`${url}/slack/events`, 's');
    const times: number[] = [];
    for (let i = 0; i < 30; i++) { const t = performance.now(); await fake.command(`query x ${i}`); times.push(performance.now() - t); }
    const ev: number[] = [];
    for (let i = 0; i < 30; i++) { const t = performance.now(); await fake.userPosts(`m ${i}`); ev.push(performance.now() - t); }
    times.sort((x, y) => x - y); ev.sort((x, y) => x - y);
    console.log(mode, 'start', startMs.toFixed(0), 'cmd ack p50', times[15]!.toFixed(1), 'p95', times[28]!.toFixed(1), 'event ack p50', ev[15]!.toFixed(1), 'p95', ev[28]!.toFixed(1));
    await a.stop(); await http.close(); await fake.close();
  }
}, 60000);
