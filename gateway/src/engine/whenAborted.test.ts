import { getEventListeners } from 'node:events';
import { whenAborted } from './whenAborted';

describe('whenAborted', () => {
  it('puts one listener on a signal however many wait on it, and none once they stop waiting', () => {
    const signal = new AbortController().signal;
    const stops = Array.from({ length: 100 }, () => whenAborted(signal, () => undefined));
    expect(getEventListeners(signal, 'abort')).toHaveLength(1);
    stops.forEach((stop) => stop());
    expect(getEventListeners(signal, 'abort')).toHaveLength(0);
    // Waiting again after everybody left works as the first time.
    const again = jest.fn();
    whenAborted(signal, again);
    expect(getEventListeners(signal, 'abort')).toHaveLength(1);
  });

  it('calls every waiter that has not stopped, once, when the signal aborts', () => {
    const controller = new AbortController();
    const [a, b, c] = [jest.fn(), jest.fn(), jest.fn()];
    whenAborted(controller.signal, a);
    const stopB = whenAborted(controller.signal, b);
    whenAborted(controller.signal, c);
    stopB();
    controller.abort();
    controller.abort();
    expect(a).toHaveBeenCalledTimes(1);
    expect(b).not.toHaveBeenCalled();
    expect(c).toHaveBeenCalledTimes(1);
  });
});
