/*
 * Loaded with `node --require` before the backend starts (Backstage's instrumentation-file
 * approach): registers the OpenTelemetry meter provider that Backstage's MetricsService writes to,
 * with a Prometheus endpoint. GF_METRICS_PORT turns it on; GF_METRICS_HOST defaults to loopback.
 * The metric names are in docs/metrics.md.
 */
// One @opentelemetry/api in the tree: the copy Backstage's MetricsService and sdk-metrics use too.
const { metrics } = require('@opentelemetry/api');
const { MeterProvider } = require('@opentelemetry/sdk-metrics');
const { PrometheusExporter } = require('@opentelemetry/exporter-prometheus');

const port = process.env.GF_METRICS_PORT;
if (port) {
  if (!/^\d+$/.test(port) || Number(port) > 65535) {
    throw new Error(
      `GF_METRICS_PORT must be a port number (0-65535), got ${JSON.stringify(
        port,
      )}`,
    );
  }
  const host = process.env.GF_METRICS_HOST || '127.0.0.1';
  const exporter = new PrometheusExporter(
    { host, port: Number(port) },
    error => {
      if (error) {
        // the backend runs on without metrics rather than not at all
        process.stderr.write(
          `metrics: Prometheus endpoint on ${host}:${port} failed to start: ${error}\n`,
        );
      }
    },
  );
  metrics.setGlobalMeterProvider(new MeterProvider({ readers: [exporter] }));
}
