import { InflightRequests } from './inflightRequests';

describe('InflightRequests', () => {
  it('holds an entry only while its call is in flight', async () => {
    const inflight = new InflightRequests();
    let answer!: (response: Response) => void;
    const pending = inflight.run('k', undefined, () => new Promise<Response>((resolve) => (answer = resolve)));
    expect(inflight.size).toBe(1);
    answer(new Response('ok'));
    expect(await (await pending).text()).toBe('ok');
    expect(inflight.size).toBe(0);
  });

  it('refuses at once a caller whose signal already aborted, without calling', async () => {
    const inflight = new InflightRequests();
    const call = jest.fn();
    await expect(inflight.run('k', AbortSignal.abort(new Error('late')), call)).rejects.toThrow('late');
    expect(call).not.toHaveBeenCalled();
  });

  it('copies a body-less status without a body', async () => {
    const inflight = new InflightRequests();
    const response = await inflight.run('k', undefined, () => new Response(null, { status: 204 }));
    expect(response.status).toBe(204);
    expect(response.body).toBeNull();
  });
});
