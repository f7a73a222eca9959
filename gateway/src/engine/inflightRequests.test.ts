import { InflightRequests } from './inflightRequests';
import type { BufferedAnswer } from './bufferedUpstreamCall';

const answer = (text: string, status = 200): BufferedAnswer => ({ status, statusText: '', headers: [['content-type', 'application/json']], text });

describe('InflightRequests', () => {
  it('holds an entry only while its call is in flight', async () => {
    const inflight = new InflightRequests();
    let settle!: (answer: BufferedAnswer) => void;
    const pending = inflight.run('k', undefined, () => new Promise<BufferedAnswer>((resolve) => (settle = resolve)));
    expect(inflight.size).toBe(1);
    settle(answer('ok'));
    expect(await (await pending).text()).toBe('ok');
    expect(inflight.size).toBe(0);
  });

  it('refuses at once a caller whose signal already aborted, without calling', async () => {
    const inflight = new InflightRequests();
    const call = jest.fn();
    await expect(inflight.run('k', AbortSignal.abort(new Error('late')), call)).rejects.toThrow('late');
    expect(call).not.toHaveBeenCalled();
  });

  it('gives a body-less status no body', async () => {
    const inflight = new InflightRequests();
    const response = await inflight.run('k', undefined, async () => answer('', 204));
    expect(response.status).toBe(204);
    expect(response.body).toBeNull();
  });
});
