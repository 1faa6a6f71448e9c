// Response metrics, from the moments the incident's history records. Pure.

export interface Milestones {
  /** When it really began (`/started`), if anyone said. */
  startedAt: Date | null;
  declaredAt: Date;
  /** First sign a responder took it on: a `/role ic`, a status change, or a command by someone other than the reporter. */
  acknowledgedAt: Date | null;
  identifiedAt: Date | null;
  mitigatedAt: Date | null;
  resolvedAt: Date | null;
}

export interface Metric {
  key: "detect" | "acknowledge" | "identify" | "mitigate" | "resolve";
  name: string;
  from: string;
  /** Null until the later moment is known. */
  ms: number | null;
}

/**
 * Time to detect runs from the start to the declaration; every other metric from the declaration,
 * as the seeds' post-mortem templates measure them. A moment before its start counts as 0.
 */
export function responseMetrics(m: Milestones): Metric[] {
  const span = (from: Date | null, to: Date | null) =>
    from && to ? Math.max(0, to.getTime() - from.getTime()) : null;
  return [
    {
      key: "detect",
      name: "Time to detect",
      from: "started → declared",
      ms: span(m.startedAt, m.declaredAt),
    },
    {
      key: "acknowledge",
      name: "Time to acknowledge",
      from: "declared → acknowledged",
      ms: span(m.declaredAt, m.acknowledgedAt),
    },
    {
      key: "identify",
      name: "Time to identify",
      from: "declared → identified",
      ms: span(m.declaredAt, m.identifiedAt),
    },
    {
      key: "mitigate",
      name: "Time to mitigate",
      from: "declared → monitoring",
      ms: span(m.declaredAt, m.mitigatedAt),
    },
    {
      key: "resolve",
      name: "Time to resolve",
      from: "declared → resolved",
      ms: span(m.declaredAt, m.resolvedAt),
    },
  ];
}
