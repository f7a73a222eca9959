import { VIEWER_HEADER, anonymousViewer, type Viewer } from '@profile-graph/core';
import { stripClientIdentity, useSignedViewer } from './useSignedViewer';

type OnFetch = (payload: Record<string, unknown>) => Promise<void> | void;

describe('stripClientIdentity', () => {
  it('drops every client identity header and keeps the rest', () => {
    expect(
      stripClientIdentity({
        'content-type': 'application/json',
        'x-request-id': 'r1',
        [VIEWER_HEADER]: 'forged',
        'X-Viewer-Id': 'admin',
        authorization: 'Bearer t',
        cookie: 'sid=1',
        'x-api-key': 'k',
      }),
    ).toEqual({ 'content-type': 'application/json', 'x-request-id': 'r1' });
  });
});

describe('useSignedViewer', () => {
  const sign = jest.fn(async (viewer: Viewer, subgraph: string) => `${viewer.kind}:${viewer.userId ?? '-'}@${subgraph}`);
  const onFetch = useSignedViewer({ sign }).onFetch as unknown as OnFetch;

  async function fetchHeaders(executionRequest: unknown, headers: Record<string, string>) {
    let sent: { headers?: Record<string, string> } | undefined;
    await onFetch({ executionRequest, options: { method: 'POST', headers }, setOptions: (o: typeof sent) => (sent = o) });
    return sent?.headers;
  }

  it("replaces client viewer headers with the request's viewer, signed for that subgraph", async () => {
    const viewer: Viewer = { kind: 'user', userId: 'u-9', scopes: [] };
    const headers = await fetchHeaders({ subgraphName: 'hiring', context: { viewer } }, { [VIEWER_HEADER]: 'forged', accept: 'application/json' });
    expect(headers).toEqual({ accept: 'application/json', [VIEWER_HEADER]: 'user:u-9@hiring' });
  });

  it('signs an anonymous viewer when the context has none', async () => {
    await fetchHeaders({ subgraphName: 'calls', context: {} }, {});
    expect(sign).toHaveBeenLastCalledWith(anonymousViewer, 'calls');
  });

  it('leaves fetches that are not subgraph calls alone', async () => {
    expect(await fetchHeaders(undefined, {})).toBeUndefined();
  });

  it('refuses to call a subgraph it cannot name', () => {
    expect(() => onFetch({ executionRequest: { context: {} }, options: {}, setOptions: () => undefined })).toThrow(/without a subgraph name/);
  });
});
