/**
 * The code the HTML report runs in the browser. `drawCharts` is inlined into the file with
 * Function.prototype.toString, so it is type-checked here but must not use anything from this
 * module's scope at run time: everything it needs comes in through its arguments.
 */
import type uPlot from 'uplot';
import type { ChartSpec } from './chart-data.js';

export function drawCharts(UPlot: typeof uPlot, charts: ChartSpec[], palette: string[]): void {
  const formatMs = (v: number) => (v === 0 ? '0' : v >= 1000 ? `${+(v / 1000).toPrecision(3)} s` : v >= 1 ? `${+v.toPrecision(3)} ms` : `${+(v * 1000).toPrecision(3)} µs`);
  const formatPercentile = (nines: number) => `${+(100 * (1 - 10 ** -nines)).toPrecision(6)} %`;
  const ninesTicks = [Math.log10(2), 1, 2, 3, 4, 5];
  // uPlot's own log ticks put nine labels in each decade; 1-2-5 steps stay readable.
  const logTicks = (_u: uPlot, _axis: number, min: number, max: number) => {
    const ticks: number[] = [];
    for (let decade = 10 ** Math.floor(Math.log10(min)); decade <= max; decade *= 10) {
      for (const step of [1, 2, 5]) if (decade * step >= min && decade * step <= max) ticks.push(decade * step);
    }
    return ticks;
  };

  for (const chart of charts) {
    const element = document.getElementById(`chart-${chart.id}`)!;
    const isSpectrum = chart.kind === 'spectrum';
    const options: uPlot.Options = {
      width: element.clientWidth,
      height: 280,
      scales: {
        x: isSpectrum ? { time: false, range: [ninesTicks[0], ninesTicks[ninesTicks.length - 1]] } : { time: false },
        y: chart.logY ? { distr: 3, log: 10 } : {},
      },
      axes: [
        {
          label: isSpectrum ? 'percentile' : 'seconds since the variant started',
          ...(isSpectrum && { splits: () => ninesTicks, values: (_u: uPlot, ticks: number[]) => ticks.map(formatPercentile) }),
        },
        {
          label: chart.yLabel,
          size: 70,
          ...(chart.logY && { splits: logTicks }),
          // On a log axis uPlot passes null for the ticks it leaves unlabelled.
          ...(chart.yIsLatency && { values: (_u: uPlot, ticks: Array<number | null>) => ticks.map((v) => (v == null ? '' : formatMs(v))) }),
        },
      ],
      series: [
        { label: isSpectrum ? 'percentile' : 't (s)', value: (_u, v) => (v == null ? '—' : isSpectrum ? formatPercentile(v) : `${v} s`) },
        ...chart.series.map((s, i) => ({
          label: s.label,
          stroke: palette[i % palette.length],
          width: 2,
          spanGaps: true,
          value: (_u: uPlot, v: number | null) => (v == null ? '—' : chart.yIsLatency ? formatMs(v) : `${+v.toFixed(1)}`),
        })),
      ],
    };
    // Fault windows are painted under the lines, each in its variant's colour, clipped to the plot.
    const drawFaultBands = (u: uPlot) => {
      const { ctx, bbox } = u;
      ctx.save();
      ctx.beginPath();
      ctx.rect(bbox.left, bbox.top, bbox.width, bbox.height);
      ctx.clip();
      let drawn = 0;
      for (const band of chart.faultBands ?? []) {
        const left = Math.max(bbox.left, u.valToPos(band.startS, 'x', true));
        const right = band.endS === null ? bbox.left + bbox.width : Math.min(bbox.left + bbox.width, u.valToPos(band.endS, 'x', true));
        if (right <= left) continue;
        ctx.fillStyle = `${palette[band.series % palette.length]}2e`;
        ctx.fillRect(left, bbox.top, right - left, bbox.height);
        drawn++;
      }
      ctx.restore();
      element.dataset.faultBands = String(drawn);
    };
    if (chart.faultBands) options.hooks = { drawClear: [drawFaultBands] };
    const plot = new UPlot(options, [chart.x, ...chart.series.map((s) => s.values)] as uPlot.AlignedData, element);
    new ResizeObserver(() => plot.setSize({ width: element.clientWidth, height: 280 })).observe(element);
  }
}
