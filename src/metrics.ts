/**
 * Prometheus metrics for `GET /metrics`: one registry per app (tests run several apps in a
 * process, so nothing goes to prom-client's global registry), implementing the core's
 * BridgeMetrics sink, plus Node's default process metrics.
 */
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { BridgeMetrics } from './bridge/ports.ts';

/** The core's metrics port, implemented here with prom-client (the core never imports it). */
export type MetricsSink = BridgeMetrics;

export interface AppMetrics extends MetricsSink {
  readonly registry: Registry;
  /** The text exposition format, with its content type. */
  render(): Promise<{ contentType: string; body: string }>;
}

export function createMetrics(opts: { defaultMetrics?: boolean } = {}): AppMetrics {
  const registry = new Registry();
  if (opts.defaultMetrics ?? true) collectDefaultMetrics({ register: registry, prefix: 'ouro_bridge_' });

  const events = new Counter({
    name: 'ouro_bridge_events_received_total',
    help: 'Inbound events accepted into the queue, by kind and platform (ouro for webhooks).',
    labelNames: ['kind', 'platform'] as const,
    registers: [registry],
  });
  const duplicates = new Counter({
    name: 'ouro_bridge_duplicates_dropped_total',
    help: 'Repeated deliveries dropped by idempotency key, by source.',
    labelNames: ['source'] as const,
    registers: [registry],
  });
  const relayed = new Counter({
    name: 'ouro_bridge_messages_relayed_total',
    help: 'Messages written to the other side, by direction and chat platform.',
    labelNames: ['direction', 'platform'] as const,
    registers: [registry],
  });
  const retries = new Counter({
    name: 'ouro_bridge_job_retries_total',
    help: 'Job attempts that failed and were scheduled again, by job kind.',
    labelNames: ['kind'] as const,
    registers: [registry],
  });
  const dead = new Counter({
    name: 'ouro_bridge_jobs_dead_total',
    help: 'Jobs that ran out of retries and wait for an operator (ouro-bridge jobs list --state dead).',
    labelNames: ['kind'] as const,
    registers: [registry],
  });
  const depth = new Gauge({
    name: 'ouro_bridge_queue_depth',
    help: 'Jobs pending or running in the durable queue.',
    registers: [registry],
  });
  const latency = new Histogram({
    name: 'ouro_bridge_relay_latency_seconds',
    help: 'From an event entering the bridge to its effect on the other side, by direction.',
    labelNames: ['direction'] as const,
    // A relay is one queue hop plus one API call: mostly tens of ms; retries stretch to minutes.
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300],
    registers: [registry],
  });

  return {
    registry,
    eventReceived: (kind, platform) => events.inc({ kind, platform }),
    duplicateDropped: (source) => duplicates.inc({ source }),
    relayed: (direction, platform) => relayed.inc({ direction, platform }),
    retried: (kind) => retries.inc({ kind }),
    dead: (kind) => dead.inc({ kind }),
    queueDepth: (n) => depth.set(n),
    latency: (direction, seconds) => latency.observe({ direction }, seconds),
    async render() {
      return { contentType: registry.contentType, body: await registry.metrics() };
    },
  };
}
