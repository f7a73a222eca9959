// Throughput and p99 per scenario and target as one SVG, rendered by
// vega-lite + vega headless (SVG needs no canvas and no browser).
import * as vega from 'vega';
import * as vegaLite from 'vega-lite';

/** @param {{ scenario: string, target: string, rps: number, p99: number }[]} bars @returns {Promise<string>} */
export async function renderChart(bars) {
  const values = bars.flatMap(({ scenario, target, rps, p99 }) => [
    { scenario, target, metric: 'throughput (req/s, higher is better)', value: Math.round(rps) },
    { scenario, target, metric: 'p99 latency (ms, lower is better)', value: p99 },
  ]);
  const spec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: 'profile-graph bench: medians of interleaved rounds',
    data: { values },
    facet: { column: { field: 'metric', type: 'nominal', title: null } },
    resolve: { scale: { y: 'independent' } },
    spec: {
      width: 260,
      height: 220,
      layer: [
        {
          mark: { type: 'bar' },
          encoding: {
            x: { field: 'scenario', type: 'nominal', title: null, axis: { labelAngle: 0 } },
            xOffset: { field: 'target' },
            y: { field: 'value', type: 'quantitative', title: null },
            color: { field: 'target', type: 'nominal', title: null, legend: { orient: 'bottom' } },
          },
        },
        {
          mark: { type: 'text', dy: -6, fontSize: 10 },
          encoding: {
            x: { field: 'scenario', type: 'nominal' },
            xOffset: { field: 'target' },
            y: { field: 'value', type: 'quantitative' },
            text: { field: 'value', type: 'quantitative' },
          },
        },
      ],
    },
  };
  const view = new vega.View(vega.parse(vegaLite.compile(spec).spec), { renderer: 'none' });
  return view.toSVG();
}
